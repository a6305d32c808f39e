"""The layering rule: app -> credentials -> ladder, and the domain never imports Flask."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(("package", "forbidden"), [
    ("ladder", ("flask", "werkzeug", "sqlalchemy", "app", "credentials")),
    ("credentials", ("flask", "werkzeug", "app")),
])
def test_domain_package_does_not_import_upper_layers(package, forbidden):
    probe = (
        f"import sys, importlib, pkgutil; import {package}; "
        f"[importlib.import_module(m.name) for m in pkgutil.walk_packages({package}.__path__, '{package}.')]; "
        "print(' '.join(sorted(m.split('.')[0] for m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(result.stdout.split())
    assert not loaded & set(forbidden), f"{package} pulled in {sorted(loaded & set(forbidden))}"
