"""gunicorn servers on loopback for benchmarks, and the load tools that drive them.

Each server runs the repository's gunicorn.conf.py (the production settings) with only these changed: a free
loopback port, the worker count asked for, logs in the scratch directory, rate limits out of the way, a long
request timeout (a national census at a million workers takes minutes) and no worker recycling (so a worker's
peak memory is that of the whole run).

Load: `wrk` (Debian: `apt-get install wrk`) when it is on PATH, else a bounded Python generator (threads
with keep-alive connections, for a fixed time); the tool used is named in the figure's `tool=` detail.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    port: int
    logs: Path

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:  # field 4: the parent's pid
                    pids.append(int(entry.name))
        return pids

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


@dataclass(frozen=True)
class Spec:
    name: str
    wsgi_app: str
    ready_path: str = "/readyz"


@contextlib.contextmanager
def gunicorns(specs: list[Spec], *, database_url: str, workers: int, scratch: str) -> Iterator[list[Server]]:
    """Start every server at once, wait until each is ready, stop them all (TERM) at the end."""
    servers: list[Server] = []
    files = []
    try:
        for spec in specs:
            port = free_port()
            logs = Path(scratch)
            env = os.environ | {
                "DATABASE_URL": database_url, "TALENT_LADDER_INSTANCE": scratch,
                "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers),
                "GUNICORN_ACCESS_LOG": str(logs / f"{spec.name}-access.log"),
                "GUNICORN_ERROR_LOG": str(logs / f"{spec.name}-error.log"),
                "GUNICORN_TIMEOUT": "1800", "GUNICORN_MAX_REQUESTS": "0", "GUNICORN_MAX_REQUESTS_JITTER": "0",
                "VERIFY_RATE_LIMIT": "100000000 per minute", "LOGIN_RATE_LIMIT": "100000000 per minute",
            }
            output = (logs / f"{spec.name}-stderr.log").open("wb")
            files.append(output)
            command = [sys.executable, "-m", "gunicorn", "-c", str(CONFIG), spec.wsgi_app]
            process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output,  # noqa: S603 - fixed command
                                       stderr=subprocess.STDOUT)
            servers.append(Server(spec.name, process, port, logs))
        for server, spec in zip(servers, specs, strict=True):
            wait_until_ready(server, spec.ready_path)
        yield servers
    finally:
        for server in servers:
            server.stop()
        for output in files:
            output.close()


def wait_until_ready(server: Server, path: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn {server.name} exited with {server.process.returncode}; see {server.logs}")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn {server.name} was not ready on {path} within {timeout:.0f} s")


def post_json(server: Server, path: str, body: dict) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request("POST", path, json.dumps(body, ensure_ascii=False).encode(),
                       {"Content-Type": "application/json"})
    response = connection.getresponse()
    return response.status, json.loads(response.read() or b"{}")


def signed_in_opener(server: Server, account: str, password: str) -> urllib.request.OpenerDirector:
    """A cookie-keeping client signed in through the login form, as a browser would be."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    form = opener.open(server.url("/login"), timeout=60).read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    if token is None:
        raise RuntimeError("no CSRF token on the login form")
    data = urlencode({"account": account, "password": password, "csrf_token": token.group(1)}).encode()
    opener.open(server.url("/login"), data=data, timeout=60).read()
    return opener


# ---- load ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    errors: int  # non-2xx/3xx answers and socket errors

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def tool_name(choice: str = "auto") -> str:
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if choice == "wrk" and not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
    return choice


def post_load(tool: str, server: Server, path: str, bodies: list[bytes], *, seconds: float, connections: int,
              scratch: str) -> Load:
    if tool == "wrk":
        return _wrk(server, path, bodies, seconds=seconds, connections=connections, scratch=scratch)
    return _python_load(server, path, bodies, seconds=seconds, connections=connections)


def _wrk(server: Server, path: str, bodies: list[bytes], *, seconds: float, connections: int, scratch: str) -> Load:
    script = Path(scratch) / "post-bodies.lua"
    if not script.exists():
        items = ",\n".join(f"[==[{body.decode()}]==]" for body in bodies)
        script.write_text(
            f"local bodies = {{\n{items}\n}}\nlocal i = 0\nwrk.method = \"POST\"\n"
            "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
            "request = function()\n  i = i % #bodies + 1\n  return wrk.format(nil, nil, nil, bodies[i])\nend\n",
            encoding="utf-8")
    threads = max(1, min(2, connections))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script),
               server.url(path)]
    output = subprocess.run(command, capture_output=True, text=True, check=True,  # noqa: S603 - fixed command
                            timeout=seconds + 60).stdout
    total = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if total is None:
        raise RuntimeError(f"unexpected wrk output:\n{output}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[total[3]]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = (int(non_2xx[1]) if non_2xx else 0) + (sum(int(n) for n in sockets.groups()) if sockets else 0)
    return Load(int(total[1]), float(total[2]) * scale, errors)


def _python_load(server: Server, path: str, bodies: list[bytes], *, seconds: float, connections: int) -> Load:
    counts = [[0, 0] for _ in range(connections)]  # per thread: answered, errors
    deadline = time.monotonic() + seconds

    def drive(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        i = slot
        while time.monotonic() < deadline:
            body = bodies[i % len(bodies)]
            i += connections
            try:
                connection.request("POST", path, body, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                counts[slot][0 if response.status < 400 else 1] += 1
            except (OSError, http.client.HTTPException):
                counts[slot][1] += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=drive, args=(slot,), daemon=True) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - started
    return Load(sum(c[0] for c in counts), elapsed, sum(c[1] for c in counts))
