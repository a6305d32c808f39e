"""The figures of a benchmark run: one `BENCH` line each as it is measured, then a table, then a JSON file.

Line format (read by tools outside the project, so it never changes shape):

    BENCH <name> <value> <unit> [baseline=<value>] [ratio=<value>] [k=v …]

Names are lower-case words joined by `_`; values are plain decimals (never exponents); `baseline=` and
`ratio=` come first when the figure has a baseline; every other detail is a `k=v` pair without spaces. The
JSON file holds the same figures, plus the machine and the run's settings.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

NAME = re.compile(r"[a-z][a-z0-9_]*")
KEY = re.compile(r"[a-z][a-z0-9_]*")
UNIT = re.compile(r"[A-Za-z%][A-Za-z0-9/%]*")
LINE = re.compile(
    r"BENCH (?P<name>[a-z][a-z0-9_]*) (?P<value>-?\d+(?:\.\d+)?) (?P<unit>\S+)"
    r"(?: baseline=(?P<baseline>-?\d+(?:\.\d+)?))?(?: ratio=(?P<ratio>-?\d+(?:\.\d+)?))?"
    r"(?P<extra>(?: [a-z][a-z0-9_]*=\S+)*)"
)
# The names tools outside the project read (issue 11); every run prints each of them once per database.
FIXED_NAMES = (
    "verify_rps", "import_rows_per_s", "progression_p95_ms", "bureau_queue_p95_ms", "dashboard_city_p95_ms",
    "dashboard_national_p95_ms", "eligibility_workers_per_s", "route_plan_us", "credentials_signed_per_s",
    "server_peak_mb", "import_peak_mb",
)
WITH_BASELINE = ("verify_rps", "import_rows_per_s")


def number(value: float | int) -> str:
    """A plain decimal with about four significant digits: 5432, 812.4, 0.1503, 0.0004 (no exponent)."""
    if isinstance(value, bool):
        raise TypeError("a figure is a number, not a flag")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {value}")
    if value == 0:
        return "0"
    digits = max(0, 3 - math.floor(math.log10(abs(value))))
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _detail(value: object) -> str:
    text = number(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)
    return re.sub(r"\s+", "_", text) or "-"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        parts = ["BENCH", self.name, number(self.value), self.unit]
        if self.baseline is not None:
            parts.append(f"baseline={number(self.baseline)}")
        if self.ratio is not None:
            parts.append(f"ratio={number(self.ratio)}")
        parts += [f"{key}={value}" for key, value in self.extra.items()]
        return " ".join(parts)


class Bench:
    """Collects figures; `database` (sqlite, postgresql) is added to each line as `db=`."""

    def __init__(self, settings: dict[str, object] | None = None) -> None:
        self.figures: list[Figure] = []
        self.database = "sqlite"
        self.settings = settings or {}
        self.started = time.time()
        self.load_at_start = _load_average()

    def report(self, name: str, value: float, unit: str, *, baseline: float | None = None,
               **extra: object) -> Figure:
        if not NAME.fullmatch(name) or not UNIT.fullmatch(unit):
            raise ValueError(f"bad figure name or unit: {name!r} {unit!r}")
        ratio = value / baseline if baseline else None
        details = {"db": self.database} | {key: _detail(v) for key, v in extra.items()}
        for key in details:
            if not KEY.fullmatch(key):
                raise ValueError(f"bad detail key: {key!r}")
        figure = Figure(name, float(value), unit, float(baseline) if baseline is not None else None, ratio, details)
        self.figures.append(figure)
        print(figure.line(), flush=True)
        return figure

    def table(self) -> str:
        rows = [("figure", "db", "value", "unit", "baseline", "ratio", "details")]
        for f in self.figures:
            details = " ".join(f"{k}={v}" for k, v in f.extra.items() if k != "db")
            rows.append((f.name, f.extra.get("db", ""), number(f.value), f.unit,
                         number(f.baseline) if f.baseline is not None else "",
                         number(f.ratio) if f.ratio is not None else "", details))
        widths = [max(len(row[i]) for row in rows) for i in range(6)]
        lines = ["  ".join(cell.ljust(widths[i]) if i < 6 else cell for i, cell in enumerate(row)).rstrip()
                 for row in rows]
        lines.insert(1, "  ".join("-" * w for w in widths) + "  -------")
        return "\n".join(lines)

    def document(self) -> dict[str, object]:
        return {
            "format": "talent-ladder-bench/1",
            "started_at": datetime.fromtimestamp(self.started, UTC).isoformat(timespec="seconds"),
            "seconds": round(time.time() - self.started, 1),
            "machine": machine(),
            # Other work on the machine moves every figure (a shared 2-core machine: by 5x and more).
            "load_average": {"start": self.load_at_start, "end": _load_average()},
            "settings": self.settings,
            "figures": [asdict(f) for f in self.figures],
        }

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.fromtimestamp(self.started, UTC).strftime("%Y%m%dT%H%M%SZ")
        path = directory / f"bench-{stamp}.json"
        path.write_text(json.dumps(self.document(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return path


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory_mb = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            memory_mb = int(next(line.split()[1] for line in info if line.startswith("MemTotal"))) // 1024
    except (OSError, StopIteration):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores": cores, "memory_mb": memory_mb, "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def _load_average() -> list[float] | None:
    return [round(n, 2) for n in os.getloadavg()] if hasattr(os, "getloadavg") else None


def parse_line(line: str) -> Figure | None:
    """The figure a `BENCH` line states, or None when the line is not exactly in the format."""
    match = LINE.fullmatch(line.rstrip("\n"))
    if match is None:
        return None
    extra = dict(pair.split("=", 1) for pair in match["extra"].split())
    baseline, ratio = match["baseline"], match["ratio"]
    return Figure(match["name"], float(match["value"]), match["unit"], float(baseline) if baseline else None,
                  float(ratio) if ratio else None, extra)
