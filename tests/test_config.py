"""Configuration: production refuses unsafe settings and hardens cookies; database URLs are normalised."""

from __future__ import annotations

import base64

import pytest

from app import create_app
from app.config import DEV_SECRET, ConfigError, load_config, normalise_database_url

GOOD_SECRET = "s" * 48
ENV_NAMES = ("TALENT_LADDER_ENV", "SECRET_KEY", "ID_HASH_KEY", "ID_ENCRYPTION_KEY", "SIGNING_KEY_ENCRYPTION_KEY",
             "VERIFY_LINK_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "TRUSTED_HOSTS")


def key(fill: bytes = b"k", size: int = 32) -> str:
    return base64.urlsafe_b64encode(fill * size).decode().rstrip("=")


@pytest.fixture
def env(monkeypatch):
    """A clean environment; returns a setter for the variables each test needs."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)

    def set_env(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)
    return set_env


@pytest.fixture
def production(env):
    env(TALENT_LADDER_ENV="production", SECRET_KEY=GOOD_SECRET, ID_HASH_KEY=key(b"h"),
        ID_ENCRYPTION_KEY=key(b"e"), SIGNING_KEY_ENCRYPTION_KEY=key(b"s"), VERIFY_LINK_KEY=key(b"v"),
        PUBLIC_BASE_URL="https://talent-ladder.example")
    return env


@pytest.mark.parametrize("secret", [None, DEV_SECRET, "x" * 31])
def test_production_refuses_a_default_or_short_secret_key(production, monkeypatch, secret):
    if secret is None:
        monkeypatch.delenv("SECRET_KEY")
    else:
        production(SECRET_KEY=secret)

    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config()


@pytest.mark.parametrize("missing", ["ID_HASH_KEY", "ID_ENCRYPTION_KEY", "SIGNING_KEY_ENCRYPTION_KEY",
                                     "VERIFY_LINK_KEY"])
def test_production_refuses_missing_personal_data_keys(production, monkeypatch, missing):
    monkeypatch.delenv(missing)

    with pytest.raises(ConfigError, match=missing):
        load_config()


def test_personal_data_key_of_the_wrong_size_is_refused(production):
    production(ID_HASH_KEY=key(size=16))

    with pytest.raises(ConfigError, match="32 bytes"):
        load_config()


def test_production_with_good_values_hardens_the_session_cookie(production):
    config = load_config()

    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["ID_HASH_KEY"] == b"h" * 32 and config["ID_ENCRYPTION_KEYS"]["k1"] == b"e" * 32


def test_production_app_sends_a_secure_host_prefixed_cookie(production, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "TESTING": True})

    response = app.test_client().get("/login", base_url="https://talent-ladder.example")

    cookie = response.headers["Set-Cookie"]  # the CSRF token lives in the session
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain=" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize(("port", "expected"), [(None, "http://localhost:5000"), ("8080", "http://localhost:8080")])
def test_in_development_the_public_address_follows_the_port_served(env, monkeypatch, port, expected):
    """QR codes, the issuer's did:web and status-list URLs point at the port actually served, at localhost
    because did:web forbids IP addresses."""
    monkeypatch.delenv("PORT", raising=False)
    if port:
        env(PORT=port)

    assert load_config()["PUBLIC_BASE_URL"] == expected


def test_an_explicit_public_address_wins_over_the_port(env):
    env(PORT="8080", PUBLIC_BASE_URL="http://ladder.test:9000")

    assert load_config()["PUBLIC_BASE_URL"] == "http://ladder.test:9000"


@pytest.mark.parametrize("url", ["http://talent-ladder.example", "http://127.0.0.1:5000", ""])
def test_production_refuses_a_public_address_that_is_not_https(production, url):
    production(PUBLIC_BASE_URL=url)

    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        load_config()


def test_production_answers_only_its_own_host_names(production, tmp_path):
    production(TRUSTED_HOSTS="ladder.internal")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "TESTING": True})
    client = app.test_client()

    assert client.get("/login", base_url="https://talent-ladder.example").status_code == 200
    assert client.get("/login", base_url="https://ladder.internal").status_code == 200
    assert client.get("/login", base_url="https://evil.example").status_code == 400


def test_production_language_cookie_is_secure(production, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.sqlite3'}", "TESTING": True})

    response = app.test_client().get("/lang/en?next=/login", base_url="https://talent-ladder.example")

    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_development_defaults_are_not_production_settings(env):
    config = load_config()

    assert config["SESSION_COOKIE_SECURE"] is False
    assert "SESSION_COOKIE_NAME" not in config
    assert config["ID_HASH_KEY"] != config["ID_ENCRYPTION_KEYS"]["k1"]  # per-purpose keys even in development


@pytest.mark.parametrize(("url", "expected"), [
    ("postgres://u:p@db:5432/ladder", "postgresql+psycopg://u:p@db:5432/ladder"),
    ("postgresql://u:p@db/ladder", "postgresql+psycopg://u:p@db/ladder"),
    ("postgresql+psycopg://u@db/ladder", "postgresql+psycopg://u@db/ladder"),
    ("sqlite:///instance/x.sqlite3", "sqlite:///instance/x.sqlite3"),
])
def test_database_urls_are_normalised_to_psycopg3(url, expected):
    assert normalise_database_url(url) == expected


def test_database_url_from_the_environment_is_normalised(env):
    env(DATABASE_URL="postgres://ladder@db/ladder")

    assert load_config()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://ladder@db/ladder"

