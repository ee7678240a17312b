#!/usr/bin/env bash
# Upgrade the database for a deployment: `creative-hub db upgrade [REVISION]`.
#
#   ./migrate.sh            # to the latest revision (head)
#   ./migrate.sh 0001       # to a given revision
#
# The database is the one the settings name (CREATIVE_HUB_DATABASE_URL, or the
# SQLite file in CREATIVE_HUB_DATA_DIR), read from the environment and from a
# .env file in the current directory, so run it where the app runs.
# Uses the project's .venv when it exists, `uv run` otherwise.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if (($# > 1)) || [[ "${1:-}" == -* ]]; then
  echo "usage: $0 [REVISION]   (default: head)" >&2
  exit 2
fi

if [[ -x "$root/.venv/bin/creative-hub" ]]; then
  exec "$root/.venv/bin/creative-hub" db upgrade "$@"
fi
command -v uv >/dev/null 2>&1 || { echo "migrate.sh: no .venv and no uv; run 'make setup' first" >&2; exit 1; }
exec uv run --frozen --project "$root" creative-hub db upgrade "$@"
