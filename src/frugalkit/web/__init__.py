"""The web app: server-rendered pages with JSON twins, static assets from the package."""

from frugalkit.web.app import create_app

__all__ = ["create_app"]
