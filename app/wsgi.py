"""The production entry point: `gunicorn -c gunicorn.conf.py app.wsgi:app` (see `make serve`).

Behind reverse proxies, set `PROXY_HOPS` to how many there are (usually 1, nginx): the client's address then
comes from the X-Forwarded-For those proxies add, so the per-client rate limits (sign-in, verification) count
clients, not the proxy. Left at 0 (the default) nothing forwarded is believed: a client could otherwise pick
its own address and walk past the limits.
"""

from __future__ import annotations

import os

from werkzeug.middleware.proxy_fix import ProxyFix

from . import create_app

app = create_app()
PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))
if PROXY_HOPS:
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=PROXY_HOPS, x_proto=PROXY_HOPS)  # type: ignore[method-assign]
