"""The ASGI entry point for uvicorn (``jinlin.asgi:app``)."""

from jinlin.app import create_app

app = create_app()
