"""The ASGI app for uvicorn: `uvicorn creative_hub.main:app`."""

from creative_hub.app import create_app

app = create_app(tune_gc=True)
