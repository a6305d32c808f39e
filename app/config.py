"""Configuration from the environment, with safe development defaults.

Production (`TALENT_LADDER_ENV=production`) refuses to start without a real SECRET_KEY and
personal-data keys, and turns on secure cookies.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET = "dev-only-secret-change-me"  # noqa: S105 - a known value production refuses


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def normalise_database_url(url: str) -> str:
    """Accept the standard `postgresql://` and legacy `postgres://` forms (psycopg 3 driver)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _derived_key(secret: str, purpose: str) -> bytes:
    """Development fallback: a per-purpose key derived from SECRET_KEY (never used in production)."""
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def _key_from_env(name: str) -> bytes | None:
    raw = os.environ.get(name)
    if not raw:
        return None
    key = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    if len(key) != 32:
        raise ConfigError(f"{name} must be 32 bytes, base64url-encoded")
    return key


def load_config(overrides: dict | None = None) -> dict:
    env = os.environ.get("TALENT_LADDER_ENV", "development")
    instance = Path(os.environ.get("TALENT_LADDER_INSTANCE", ROOT / "instance"))
    secret = os.environ.get("SECRET_KEY", DEV_SECRET)
    config: dict = {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'talent-ladder.sqlite3'}")
        ),
        # hide_parameters: a database error's text never carries the bound values (names, hashes) into logs.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "INSTANCE_DIR": str(instance),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Long jobs (bulk imports, app/jobs.py): "rq" when REDIS_URL is set, else a background "thread";
        # "sync" runs them inside the request (tests).
        "JOB_RUNNER": os.environ.get("JOB_RUNNER") or ("rq" if os.environ.get("REDIS_URL") else "thread"),
        "RQ_QUEUE": os.environ.get("RQ_QUEUE", "talent-ladder"),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "zh",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "LANGUAGES": ("zh", "en"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_DURATION": 0,
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")),
        "API_TOKEN_HOURS": int(os.environ.get("API_TOKEN_HOURS", "12")),
        "LOGIN_LOCKOUT_THRESHOLD": 5,
        "LOGIN_LOCKOUT_MINUTES": 15,
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "20 per minute"),
        "PAGE_SIZE": 20,
        "MAX_PAGE_SIZE": 200,
        # Development default: the port actually served (`PORT=8080 make run`), at `localhost` because the
        # issuer's did:web may not name an IP address. Production refuses to start without an https one.
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL") or f"http://localhost:{os.environ.get('PORT') or 5000}",
        # Public verification and digital credentials (app/web/verify.py, app/trust.py).
        "VERIFY_RATE_LIMIT": os.environ.get("VERIFY_RATE_LIMIT", "30 per minute;300 per hour"),
        "CREDENTIAL_ISSUER_NAME": os.environ.get("CREDENTIAL_ISSUER_NAME", "人才阶梯技能人才证书登记中心"),
        # flask-smorest serves the OpenAPI document; app/api/docs.py serves vendored Swagger UI.
        "API_TITLE": "Talent Ladder API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
    config["ID_HASH_KEY"] = _key_from_env("ID_HASH_KEY") or _derived_key(secret, "id-hash")
    config["ID_ENCRYPTION_KEYS"] = {"k1": _key_from_env("ID_ENCRYPTION_KEY") or _derived_key(secret, "id-enc")}
    config["ID_ENCRYPTION_KEY_ID"] = "k1"
    # Seals the Ed25519 issuer keys at rest; the QR link key makes printed verification links unforgeable
    # (changing it invalidates the QR codes already printed, so it has its own variable).
    config["SIGNING_KEY_ENCRYPTION_KEYS"] = {
        "s1": _key_from_env("SIGNING_KEY_ENCRYPTION_KEY") or _derived_key(secret, "signing-key-enc")}
    config["SIGNING_KEY_ENCRYPTION_KEY_ID"] = "s1"
    config["VERIFY_LINK_KEY"] = _key_from_env("VERIFY_LINK_KEY") or _derived_key(secret, "verify-link")
    if env == "production":
        config["SESSION_COOKIE_NAME"] = "__Host-session"
        # Only the registry's own names answer; any other Host header is refused (400) before a view runs,
        # so links built from the request (redirects, password-reset mail later) cannot point elsewhere.
        config["TRUSTED_HOSTS"] = trusted_hosts(config["PUBLIC_BASE_URL"], os.environ.get("TRUSTED_HOSTS", ""))
        _refuse_unsafe_production(config)
    if overrides:
        config.update(overrides)
    return config


# Keys that must never be derived from SECRET_KEY in production (each 32 random bytes, base64url).
PRODUCTION_KEYS = ("ID_HASH_KEY", "ID_ENCRYPTION_KEY", "SIGNING_KEY_ENCRYPTION_KEY", "VERIFY_LINK_KEY")


def trusted_hosts(public_base_url: str, extra: str) -> list[str]:
    """The host of PUBLIC_BASE_URL, plus any in TRUSTED_HOSTS (comma-separated, e.g. an internal name)."""
    hosts = [urlsplit(public_base_url).hostname or ""] + [h.strip() for h in extra.split(",")]
    return sorted({host for host in hosts if host})


def _refuse_unsafe_production(config: dict) -> None:
    if not config["PUBLIC_BASE_URL"].startswith("https://"):
        raise ConfigError("production needs PUBLIC_BASE_URL set to the registry's https:// address")
    secret = config["SECRET_KEY"]
    if secret == DEV_SECRET or len(secret) < 32:
        raise ConfigError("production needs SECRET_KEY set to a random value of at least 32 characters")
    for name in PRODUCTION_KEYS:
        if not os.environ.get(name):
            raise ConfigError(f"production needs {name} (32 random bytes, base64url)")
