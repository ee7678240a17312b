"""The web app's shell: templates, static files, i18n, page auth, page errors, headers.

Feature pages live in their own packages (chat/pages.py, ...) and use render() from
creative_hub.web.render and the dependencies in creative_hub.web.deps.
"""
