"""Supply chain: every dependency is pinned with hashes in the lock files that `make` installs from, the static
scan fails on findings and every exception to it says why, and the dependency audit never passes silently."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==(\S+) \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    found = {canonicalize_name(name): version for name, version, _ in PIN.findall(text)}
    requirement_lines = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(found) == len(requirement_lines), f"{lock}: every requirement is `name==version` with hashes"
    return found


def declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return {canonicalize_name(Requirement(name).name) for name in names}


def test_every_declared_dependency_is_pinned_with_hashes():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")

    assert declared() <= runtime.keys(), f"run `make lock`: {sorted(declared() - runtime.keys())} not in requirements.lock"
    assert declared() | declared("dev") <= dev.keys(), \
        f"run `make lock`: {sorted(declared() | declared('dev') - dev.keys())} not in requirements-dev.lock"
    assert {name: dev[name] for name in runtime} == runtime, "the dev lock holds the runtime pins unchanged"


def test_make_installs_from_the_locks_and_ci_runs_the_audit():
    makefile, ci = (ROOT / "Makefile").read_text(), (ROOT / ".ci" / "run").read_text()

    assert "$(BIN)/pip install -q --require-hashes -r requirements.lock" in makefile
    assert "$(BIN)/pip install -q --require-hashes -r requirements-dev.lock" in makefile
    assert "install -q -e ." not in makefile and "-e '.[dev]'" not in makefile, "no unpinned install of dependencies"
    assert "make audit" in ci


def test_every_nosec_names_its_test_and_says_why():
    unexplained = []
    for path in [p for package in ("app", "credentials", "ladder") for p in (ROOT / package).rglob("*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "nosec" in line:
                comment = line.split("#", 1)[1]
                reason = re.sub(r"noqa: ?[A-Z0-9, ]+|nosec B\d{3}(, ?B\d{3})*|[#\s-]", "", comment)
                if not re.search(r"nosec B\d{3}", line) or len(reason) < 8:
                    unexplained.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not unexplained, "a `# nosec BXXX` needs its reason on the same line:\n" + "\n".join(unexplained)


def test_the_static_scan_fails_on_a_medium_finding(tmp_path):
    (tmp_path / "risky.py").write_text("import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n")
    (tmp_path / "fine.py").write_text("def add(a, b):\n    return a + b\n")
    scan = [sys.executable, "-m", "bandit", "-q", "-c", str(ROOT / "pyproject.toml"), "--severity-level", "medium"]

    assert subprocess.run([*scan, str(tmp_path / "risky.py")], capture_output=True, check=False).returncode == 1
    assert subprocess.run([*scan, str(tmp_path / "fine.py")], capture_output=True, check=False).returncode == 0


@pytest.fixture
def dependency_audit():
    spec = importlib.util.spec_from_file_location("dependency_audit", ROOT / ".ci" / "dependency-audit.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("args", "exit_code"), [([], 3), (["--warn-unreachable"], 0)])
def test_dependency_audit_is_loud_when_no_vulnerability_service_answers(dependency_audit, monkeypatch, capsys,
                                                                         args, exit_code):
    monkeypatch.setattr(dependency_audit, "pypi_answers", lambda name, version: "GET pypi: HTTP Error 404")
    monkeypatch.setattr(dependency_audit, "osv_answers", lambda name, version: "POST osv: Name or service not known")
    monkeypatch.setattr(dependency_audit.subprocess, "run", pytest.fail)  # nothing may claim to have audited
    monkeypatch.setattr(sys, "argv", ["dependency-audit.py", *args])

    assert dependency_audit.main() == exit_code
    warning = capsys.readouterr().err
    assert "DEPENDENCY AUDIT DID NOT RUN" in warning and "HTTP Error 404" in warning and "Name or service" in warning


def test_dependency_audit_is_strict_over_both_locks_when_a_service_answers(dependency_audit, monkeypatch):
    commands = []
    monkeypatch.setattr(dependency_audit, "pypi_answers", lambda name, version: "GET pypi: HTTP Error 404")
    monkeypatch.setattr(dependency_audit, "osv_answers", lambda name, version: None)
    monkeypatch.setattr(dependency_audit.subprocess, "run",
                        lambda command, **kwargs: commands.append(command) or subprocess.CompletedProcess(command, 1))
    monkeypatch.setattr(sys, "argv", ["dependency-audit.py", "--warn-unreachable"])

    assert dependency_audit.main() == 1  # pip-audit's verdict (a finding, or a pin it could not audit) is the exit
    command = " ".join(commands[0])
    assert "--strict" in command and "--vulnerability-service osv" in command
    assert "requirements.lock" in command and "requirements-dev.lock" in command
