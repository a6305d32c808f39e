"""The house rules, checked on the code itself.

- Layering: `app → credentials → ladder`; the domain never imports Flask (a fresh interpreter proves it).
- No import cycle anywhere in the three packages, counting imports inside functions and the package
  `__init__` that Python runs before a submodule of another package.
- Read models live in `credentials/queries/`, and no module under `credentials/services/` commits: the caller
  (a view, a CLI command, the import job) owns the transaction.
- `app/api` imports nothing from `app/web`: what both need lives in a module both import.
- An audience's page package keeps its blueprint in a leaf `blueprint.py` that imports nothing of the package.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "credentials", "ladder")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def _package_of(module: str) -> str:
    return module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The project modules an import statement loads (a `from pkg import name` loads pkg.name if that is a module)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            package = _package_of(module).split(".")
            package = package[:len(package) - node.level + 1]
            base = ".".join([*package, base] if base else package)
        names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
    found = []
    for name in names:
        while name and name not in MODULES:
            name = name.rpartition(".")[0]
        if name:
            found.append(name)
    return found


def _ancestors(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def import_graph() -> nx.DiGraph:
    """Every import between project modules, at module level or inside a function. Importing a submodule of
    another package also runs that package's `__init__`, so it counts as importing that `__init__` too."""
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        graph.add_node(module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(module, node):
                own = set(_ancestors(module)) | {module}
                for loaded in [*_ancestors(target), target]:
                    if loaded not in own:
                        graph.add_edge(module, loaded, line=node.lineno)
    return graph


GRAPH = import_graph()


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


@pytest.mark.parametrize(("lower", "upper"), [("ladder", "credentials"), ("ladder", "app"), ("credentials", "app")])
def test_imports_flow_one_way(lower, upper):
    upward = [(a, b) for a, b in GRAPH.edges if a.split(".")[0] == lower and b.split(".")[0] == upper]
    assert not upward, f"{lower} imports {upper}: {upward}"


def test_there_is_no_import_cycle_in_any_package():
    cycles = [sorted(component) for component in nx.strongly_connected_components(GRAPH) if len(component) > 1]
    assert not cycles, f"import cycles: {cycles}"


def test_the_graph_sees_function_level_imports_and_package_inits():
    """Guards the guard: the cycle test is only as good as the graph it reads."""
    assert GRAPH.has_edge("app", "app.api")  # inside create_app()
    assert GRAPH.has_edge("app.web.bureau.queue", "credentials.queries")  # the queries package's __init__
    assert GRAPH.has_edge("app.web.bureau", "app.web.bureau.blueprint")


def test_api_never_imports_web_pages():
    offending = [(a, b) for a, b in GRAPH.edges if a.startswith("app.api") and b.startswith("app.web")]
    assert not offending, f"app/api imports app/web: {offending}"


@pytest.mark.parametrize("package", ["app.web.bureau", "app.web.institution", "app.web.worker"])
def test_a_page_package_keeps_its_blueprint_in_a_leaf(package):
    leaf = f"{package}.blueprint"
    assert leaf in MODULES
    assert not [t for t in GRAPH.successors(leaf) if t.startswith(package)], f"{leaf} imports its own package"
    importers_of_init = [a for a in GRAPH.predecessors(package) if a.startswith(package + ".")]
    assert not importers_of_init, f"view modules import the package that imports them: {importers_of_init}"


def _commit_calls(path: Path) -> list[int]:
    """Lines that end a transaction: `<something>.commit()`, except releasing a savepoint."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
            receiver = node.func.value
            if not (isinstance(receiver, ast.Name) and receiver.id == "savepoint"):
                lines.append(node.lineno)
    return lines


def test_no_service_commits():
    commits = {str(p.relative_to(ROOT)): lines for p in (ROOT / "credentials" / "services").rglob("*.py")
               if (lines := _commit_calls(p))}
    assert not commits, f"services commit (the caller owns the transaction): {commits}"


def test_the_commit_finder_finds_commits():
    assert _commit_calls(ROOT / "credentials" / "imports" / "jobs.py"), "the import job commits per phase"


READ_MODELS = ("scopes", "registry", "records", "approvals", "history", "progression", "career", "census",
               "verification")


@pytest.mark.parametrize("name", READ_MODELS)
def test_read_models_live_in_the_read_wing(name):
    assert f"credentials.queries.{name}" in MODULES


def test_credentials_top_level_holds_only_building_blocks_and_subpackages():
    top = {m.removeprefix("credentials.") for m in MODULES if m.count(".") == 1 and m.startswith("credentials.")}
    packages = {m for m in top if MODULES[f"credentials.{m}"].name == "__init__.py"}
    assert packages == {"demo", "imports", "models", "queries", "services", "vc"}
    assert top - packages == {"bulk", "clock", "errors", "identity", "labels", "numbers", "passwords", "permissions",
                              "spreadsheets", "uploads", "vault"}
