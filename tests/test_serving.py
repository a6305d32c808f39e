"""Production serving: gunicorn with the repository's config, the liveness and readiness probes, and logs
that never hold a query string (names travel in them) nor an ID number."""

from __future__ import annotations

import http.client
import json
import logging
import os
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.logs import QueryStringFilter, scrub

ROOT = Path(__file__).resolve().parent.parent
MARKER = "qsmarker7"  # stands for a name or search term in a query string


# ---- the probes, in process --------------------------------------------------------------------------------

def test_healthz_is_liveness_and_asks_nothing_of_the_database(client, monkeypatch):
    from app.web import public

    monkeypatch.setattr(public, "readiness", lambda: pytest.fail("liveness must not check dependencies"))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_on_a_migrated_database_without_redis(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "database": "up", "migrations": "current", "redis": "not_configured"}


def test_readyz_is_not_ready_when_configured_redis_does_not_answer(app, client, monkeypatch):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://:s3cret-word@127.0.0.1:{port}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["redis"] == "down" and response.json["status"] == "not_ready"
    assert "s3cret" not in response.text and "127.0.0.1" not in response.text


def test_readyz_is_not_ready_when_the_schema_is_not_at_the_migrations_head(app, client, monkeypatch):
    from app import health

    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setattr(health, "migration_heads", lambda: frozenset({"a_revision_not_yet_applied"}))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["migrations"] == "not_at_head" and response.json["database"] == "up"


def test_readyz_sees_a_running_redis(app, client, monkeypatch):
    url = "redis://127.0.0.1:6379/0"
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    assert client.get("/readyz").json["redis"] == "up"


# ---- log scrubbing -----------------------------------------------------------------------------------------

def test_scrub_cuts_query_strings_and_bound_parameters_and_masks_ids():
    line = ('Error handling request GET /api/v1/verify?number=S1&name=%E5%BC%A0%E4%B8%89 '
            "[parameters: ('张三', '320505198806159011')] from 身份证320505198806159011")
    cleaned = scrub(line)
    assert "/api/v1/verify" in cleaned
    assert "name=" not in cleaned and "?" not in cleaned and "张三" not in cleaned
    assert "320505198806159011" not in cleaned and "[parameters: hidden]" in cleaned


def test_scrub_hides_a_share_links_token_wherever_the_path_appears():
    token = "k3Xq_9vZ-TOKEN-abc"
    line = f'127.0.0.1 "GET /shared/{token}/1732052004300001.json HTTP/1.1" 200 and GET /shared/{token}'
    cleaned = scrub(line)
    assert token not in cleaned
    assert cleaned.count("/shared/[token]") == 2 and "/1732052004300001.json" in cleaned


def test_the_filter_scrubs_message_arguments_and_traceback():
    try:
        raise ValueError(f"bad request /verify?name={MARKER}")
    except ValueError:
        record = logging.LogRecord("gunicorn.error", logging.ERROR, __file__, 1, "Error handling request %s",
                                   (f"/worker/?q={MARKER}",), sys.exc_info())
    assert QueryStringFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert "/worker/" in formatted and "ValueError" in formatted
    assert MARKER not in formatted


def test_the_access_log_format_holds_the_path_never_the_request_line_query_or_referrer(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert "%(U)s" in settings["access_log_format"]
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{referer}i"):
        assert leaky not in settings["access_log_format"]
    assert settings["workers"] >= 3  # 2 x cores + 1
    assert settings["max_requests"] > 0 and 0 < settings["max_requests_jitter"] < settings["max_requests"]
    assert settings["graceful_timeout"] > 0 and settings["preload_app"] is True


# ---- gunicorn for real --------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode()


def _wait_for(port: int, process: subprocess.Popen, deadline: float) -> None:
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited during start-up"
        try:
            if _get(port, "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer /healthz in time")


def test_gunicorn_serves_the_probes_logs_paths_without_query_strings_and_stops_cleanly(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "TALENT_LADDER_ENV", "FLASK_APP")} | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}", "TALENT_LADDER_INSTANCE": str(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2", "LOG_LEVEL": "INFO",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"), "GUNICORN_ERROR_LOG": str(tmp_path / "error.log"),
    }
    stderr = (tmp_path / "stderr.log").open("wb")  # the app's own JSON logs
    started = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                              stdout=stderr, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, server, started + 60)  # about 3 s on an idle machine; CI machines are shared
        status, body = _get(port, "/readyz")  # an empty database: alive, not ready
        assert status == 503 and json.loads(body)["migrations"] == "not_at_head"

        subprocess.run([sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"], cwd=ROOT, env=env,
                       check=True, capture_output=True, timeout=60)
        status, body = _get(port, "/readyz")
        assert status == 200, body
        assert json.loads(body) == {"status": "ready", "database": "up", "migrations": "current",
                                    "redis": "not_configured"}
        assert "sqlite" not in body and str(tmp_path) not in body

        status, body = _get(port, f"/api/v1/verify?number=S000032000001204{MARKER}&name={MARKER}")
        assert status in (200, 422), body  # answered either way; what matters is what the logs kept

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=35) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        stderr.close()

    access = (tmp_path / "access.log").read_text()
    lines = [line for line in access.splitlines() if '"GET /api/v1/verify HTTP/1.1"' in line]
    assert len(lines) == 1, access
    assert '"GET /readyz HTTP/1.1" 200' in access and '"GET /readyz HTTP/1.1" 503' in access
    assert "rid=" in lines[0] and "rid=-" not in lines[0]  # joins the app's JSON log line
    app_log = (tmp_path / "stderr.log").read_text()
    assert '"path": "/api/v1/verify"' in app_log
    server_log = (tmp_path / "error.log").read_text()
    assert server_log.count("Booting worker") == 2 and "Shutting down: Master" in server_log
    for text in (access, app_log, server_log):
        assert MARKER not in text and "number=" not in text and "/verify?" not in text
