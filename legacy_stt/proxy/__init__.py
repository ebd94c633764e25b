"""The compatibility proxy: the deprecated ``POST /v1/stt`` answered for callers in any language.

``create_app(...)`` is the proxy as an ASGI application (mount it in
FastAPI or Starlette, or run it on any ASGI server); ``CompatibilityProxy``
serves it on uvicorn in a background thread, with ``ServerLimits``;
``legacy-stt serve`` runs it from the command line. Needs the ``serve``
extra (``pip install 'legacy-stt[serve]'``): uvicorn, httptools, aiohttp.
"""

from .app import (
    DEFAULT_BODY_TIMEOUT,
    DEFAULT_MIGRATION_GUIDE_URL,
    DEPRECATION_DATE,
    HEALTH_PATHS,
    WARNING_HEADER,
    ProxyApp,
    create_app,
)
from .server import DEFAULT_HOST, DEFAULT_PORT, MAX_HEAD_SIZE, CompatibilityProxy, ServerLimits

__all__ = [
    "DEFAULT_BODY_TIMEOUT",
    "DEFAULT_HOST",
    "DEFAULT_MIGRATION_GUIDE_URL",
    "DEFAULT_PORT",
    "DEPRECATION_DATE",
    "HEALTH_PATHS",
    "MAX_HEAD_SIZE",
    "WARNING_HEADER",
    "CompatibilityProxy",
    "ProxyApp",
    "ServerLimits",
    "create_app",
]
