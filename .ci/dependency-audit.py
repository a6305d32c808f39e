"""Dependency audit: every pin of the lock files checked for known vulnerabilities with pip-audit.

Exit 0: no known vulnerability. Exit 1: pip-audit found some (or could not audit a pin: --strict).
Exit 3: no vulnerability service answered, so nothing was audited. With --warn-unreachable (CI on a
machine that reaches only the package index), that case prints an unmissable warning block and exits 0
instead; it never says "no known vulnerabilities" when nothing was checked.

pip-audit asks PyPI's JSON API for each pinned version (/pypi/NAME/VERSION/json) or OSV (api.osv.dev);
a mirror that serves only the simple index answers 404 there, which pip-audit alone would report as a
skipped package and still exit 0. So the services are probed first, with a pin of the lock itself.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("requirements.lock", "requirements-dev.lock")
TIMEOUT = 20


def first_pin(lock: Path) -> tuple[str, str]:
    match = re.search(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", lock.read_text(), re.MULTILINE)
    if not match:
        sys.exit(f"dependency audit: no pinned requirement in {lock}")
    return match.group(1), match.group(2)


def pypi_answers(name: str, version: str) -> str | None:
    """None when PyPI's per-version JSON (what pip-audit reads) answers; else why not."""
    url = f"https://pypi.org/pypi/{name}/{version}/json"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 - a fixed https address
            json.load(response)["vulnerabilities"]  # noqa: B018 - the field pip-audit reads must be there
        return None
    except (urllib.error.URLError, OSError, KeyError, ValueError) as error:
        return f"GET {url}: {error}"


def osv_answers(name: str, version: str) -> str | None:
    """None when OSV's query API answers; else why not."""
    body = json.dumps({"package": {"name": name, "ecosystem": "PyPI"}, "version": version}).encode()
    request = urllib.request.Request("https://api.osv.dev/v1/query", data=body,  # noqa: S310 - fixed https
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - as above
            json.load(response)
        return None
    except (urllib.error.URLError, OSError, ValueError) as error:
        return f"POST https://api.osv.dev/v1/query: {error}"


def warning_block(reasons: list[str]) -> str:
    bar = "!" * 100
    lines = [bar, "!!  DEPENDENCY AUDIT DID NOT RUN: no vulnerability service can be reached from this machine.",
             "!!  The lock files were NOT checked for known vulnerabilities. Run `make audit` where PyPI's JSON",
             "!!  API or OSV answers before trusting this build.",
             *(f"!!    {reason}" for reason in reasons), bar]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warn-unreachable", action="store_true",
                        help="when no vulnerability service answers, warn loudly and exit 0 instead of 3")
    args = parser.parse_args()
    locks = [ROOT / name for name in LOCKS]
    name, version = first_pin(locks[0])
    pypi_problem = pypi_answers(name, version)
    osv_problem = osv_answers(name, version) if pypi_problem else None
    if pypi_problem and osv_problem:
        print(warning_block([pypi_problem, osv_problem]), file=sys.stderr, flush=True)
        return 0 if args.warn_unreachable else 3
    service = "pypi" if not pypi_problem else "osv"
    command = [sys.executable, "-m", "pip_audit", "--strict", "--progress-spinner", "off", "--vulnerability-service",
               service, "--disable-pip", "--require-hashes", *(arg for lock in locks for arg in ("-r", str(lock)))]
    print(f"dependency audit: {' '.join(command[1:])}", flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603 - our own fixed command


if __name__ == "__main__":
    sys.exit(main())
