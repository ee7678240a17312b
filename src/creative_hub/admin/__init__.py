"""Superuser administration: users (web issue) and providers (providers issue)."""
