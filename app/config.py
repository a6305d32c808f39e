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

from credentials.services.audit_retention import MINIMUM_RETENTION_DAYS

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


# The read-only engine (a streaming replica) that verification, dashboards and big exports read through:
# app.extensions.read_session(). Unset, those reads go to the primary like everything else.
REPLICA_BIND = "replica"
REPLICA_CONNECT_TIMEOUT_SECONDS = 3


def replica_engine_options(url: str) -> dict:
    """The replica's engine: every transaction read-only (so a write sent there by mistake fails loudly, even
    when the URL names the primary), the same pool checks and log hygiene as the primary's engine."""
    url = normalise_database_url(url)
    options: dict = {"url": url, "pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("postgresql"):
        # connect_timeout: an unreachable replica costs the lag guard (app/replica_lag.py) seconds, not minutes.
        options["connect_args"] = {"options": "-c default_transaction_read_only=on",
                                   "connect_timeout": REPLICA_CONNECT_TIMEOUT_SECONDS}
    return options


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
        # Bulk imports (app/jobs.py, credentials/imports): the uploaded file is kept, sealed, this many days after
        # its job finished, then purged; the runner reads a file in a child process held to this CPU time and
        # address space; an institution has at most so many jobs queued or running; uploads per user.
        "IMPORT_FILE_RETENTION_DAYS": int(os.environ.get("IMPORT_FILE_RETENTION_DAYS", "90")),
        "IMPORT_PARSE_CPU_SECONDS": int(os.environ.get("IMPORT_PARSE_CPU_SECONDS", "60")),
        "IMPORT_PARSE_MEMORY_MB": int(os.environ.get("IMPORT_PARSE_MEMORY_MB", "1024")),
        "IMPORTS_PER_INSTITUTION": int(os.environ.get("IMPORTS_PER_INSTITUTION", "2")),
        "IMPORT_UPLOAD_RATE": os.environ.get("IMPORT_UPLOAD_RATE", "30 per hour"),
        "RATELIMIT_STORAGE_URI": os.environ.get("REDIS_URL") or "memory-inline://",  # app/rate_limits.py
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
        # Roles whose accounts must sign in with a second factor (app/web/second_factor.py). Production names the
        # officers and administrators; development and tests name none (the demo signs in with a password alone).
        # SECOND_FACTOR_REQUIRED_ROLES="bureau_officer,admin,institution_staff" widens or narrows it.
        "SECOND_FACTOR_REQUIRED_ROLES": tuple(role.strip() for role in os.environ.get(
            "SECOND_FACTOR_REQUIRED_ROLES", "bureau_officer,admin" if env == "production" else "").split(",")
            if role.strip()),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "20 per minute"),
        # How long audit events are kept before `flask audit purge` removes them (README "Configuration").
        "AUDIT_RETENTION_DAYS": _audit_retention_days(os.environ.get("AUDIT_RETENTION_DAYS", "365")),
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
    if os.environ.get("DATABASE_REPLICA_URL"):
        config["SQLALCHEMY_BINDS"] = {REPLICA_BIND: replica_engine_options(os.environ["DATABASE_REPLICA_URL"])}
    # The replica serves those reads only while its replay is at most this far behind, else they go to the
    # primary (a revoked certificate must not verify as valid for long); the lag is measured at most once per
    # REPLICA_LAG_CHECK_SECONDS in each process (app/replica_lag.py).
    config["REPLICA_MAX_LAG_SECONDS"] = _seconds("REPLICA_MAX_LAG_SECONDS", "10")
    config["REPLICA_LAG_CHECK_SECONDS"] = _seconds("REPLICA_LAG_CHECK_SECONDS", "1")
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


def _seconds(name: str, default: str) -> float:
    raw = os.environ.get(name) or default  # set but empty: the default, as for the other settings
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses NaN
        raise ConfigError(f"{name} must be a number of seconds, 0 or more; got {raw!r}")
    return seconds


def _audit_retention_days(raw: str) -> int:
    if not raw.strip().isdigit() or int(raw) < MINIMUM_RETENTION_DAYS:
        raise ConfigError(f"AUDIT_RETENTION_DAYS must be a whole number of days, at least {MINIMUM_RETENTION_DAYS} "
                          f"(security events are kept that long); got {raw!r}")
    return int(raw)


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
