"""`make bench` is read by tools outside the project: every fixed figure name is printed once per database in
exactly `BENCH <name> <value> <unit> [baseline=<value>] [ratio=<value>] [k=v …]`, and the JSON file holds the
same figures. The harness runs here on a tiny population (the load tool is wrk when installed, else the
bounded Python generator)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.compare import compare
from benchmarks.report import FIXED_NAMES, LINE, WITH_BASELINE, Bench, number, parse_line

ROOT = Path(__file__).resolve().parent.parent


def test_numbers_are_plain_decimals_with_about_four_significant_digits():
    assert [number(v) for v in (5432.1, 812.44, 0.15034, 0.0004, 12, 0.0, 1e7)] == [
        "5432", "812.4", "0.1503", "0.0004", "12", "0", "10000000"]


def test_a_figure_line_is_in_the_fixed_format_with_baseline_and_ratio_first(capsys):
    bench = Bench()
    bench.report("verify_rps", 812.4, "req/s", baseline=5400, tool="wrk", path="/api/v1/verify")
    line = capsys.readouterr().out.strip()
    assert line == "BENCH verify_rps 812.4 req/s baseline=5400 ratio=0.1504 db=sqlite tool=wrk path=/api/v1/verify"
    assert parse_line(line).extra == {"db": "sqlite", "tool": "wrk", "path": "/api/v1/verify"}
    with pytest.raises(ValueError):
        bench.report("Verify RPS", 1.0, "req/s")


def test_compare_matches_figures_by_name_and_database(tmp_path):
    a, b = Bench(), Bench()
    a.report("verify_rps", 100.0, "req/s", baseline=400)
    b.report("verify_rps", 150.0, "req/s", baseline=400)
    a.report("progression_p95_ms", 40.0, "ms")
    b.report("progression_p95_ms", 50.0, "ms")
    b.report("server_peak_mb", 120.0, "MB")
    rows = {row[0]: row for row in compare(a.write(tmp_path / "a"), b.write(tmp_path / "b"))[1:]}
    assert rows["verify_rps"][5:7] == ("+50.0%", "better")
    assert rows["progression_p95_ms"][5:7] == ("+25.0%", "worse")
    assert rows["server_peak_mb"][5] == "only in B"


def _database_args() -> tuple[list[str], str]:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        return ["--no-sqlite", "--database-url", url], "postgresql"
    return [], "sqlite"


def test_the_harness_prints_every_fixed_name_in_the_format_and_writes_the_same_json(tmp_path):
    database_args, database = _database_args()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "BENCH_WORKERS")}
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--workers", "200", "--requests", "3", "--planned", "5",
         "--import-rows", "50", "--sign", "3", "--load-seconds", "1", "--load-rounds", "1", "--server-workers", "1",
         "--connections", "4", "--out", str(tmp_path), *database_args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    bench_lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH")]
    figures = [parse_line(line) for line in bench_lines]
    assert None not in figures, [line for line in bench_lines if not LINE.fullmatch(line)]

    names = [f.name for f in figures]
    for name in FIXED_NAMES:
        assert names.count(name) == 1, f"{name} printed {names.count(name)} times"
    for figure in figures:
        assert figure.extra["db"] == database
        if figure.name in WITH_BASELINE:
            assert figure.baseline and figure.baseline > 0 and figure.ratio is not None
            assert figure.ratio == pytest.approx(figure.value / figure.baseline, rel=0.01)
    verify = figures[names.index("verify_rps")]
    assert verify.extra["tool"] in ("wrk", "python") and verify.extra["errors"] == "0" and verify.value > 0
    assert figures[names.index("dashboard_city_p95_ms")].extra["page"] == "/bureau/campaigns/skills-100-2013/cities/3205"
    assert figures[names.index("dashboard_national_p95_ms")].extra["page"] == "/bureau/campaigns/skills-100-2013/"

    path = Path(re.search(r"JSON: (\S+)$", done.stdout.strip()).group(1))
    assert path.parent == tmp_path
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["machine"]["cores"] >= 1 and document["settings"]["workers"] == 200
    assert len(document["figures"]) == len(figures)
    for stored, printed in zip(document["figures"], figures, strict=True):
        assert (stored["name"], stored["unit"], stored["extra"]) == (printed.name, printed.unit, printed.extra)
        assert float(number(stored["value"])) == printed.value
        assert (stored["baseline"] is None) == (printed.baseline is None)
    table = done.stdout.split("\n\n")[-2]
    assert all(name in table for name in FIXED_NAMES)
