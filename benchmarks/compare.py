"""`make bench-compare A=old.json B=new.json`: what changed between two benchmark runs, figure by figure.

    python -m benchmarks.compare instance/bench-20260101T000000Z.json instance/bench-20260102T000000Z.json

A figure is matched by its name and database; a rate (a unit per second) is better when it grows, a time or
a size when it shrinks. Figures found in only one run are listed as such.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .report import number


def _figures(path: Path) -> dict[tuple[str, str], dict]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return {(f["name"], f["extra"].get("db", "")): f for f in document["figures"]}


def _verdict(unit: str, before: float, after: float) -> str:
    if before == after:
        return "same"
    higher_is_better = unit.endswith("/s")
    return "better" if (after > before) == higher_is_better else "worse"


def compare(a: Path, b: Path) -> list[tuple[str, ...]]:
    old, new = _figures(a), _figures(b)
    rows = [("figure", "db", "A", "B", "unit", "change", "", "ratio A", "ratio B")]
    for key in sorted(old.keys() | new.keys()):
        name, database = key
        if key not in new or key not in old:
            present = old.get(key) or new[key]
            side = "A" if key in old else "B"
            rows.append((name, database, number(present["value"]) if side == "A" else "-",
                         number(present["value"]) if side == "B" else "-", present["unit"], f"only in {side}", "", "", ""))
            continue
        before, after = old[key], new[key]
        change = (after["value"] / before["value"] - 1) * 100 if before["value"] else float("inf")
        rows.append((name, database, number(before["value"]), number(after["value"]), after["unit"],
                     f"{change:+.1f}%" if change != float("inf") else "new", _verdict(after["unit"], before["value"], after["value"]),
                     number(before["ratio"]) if before.get("ratio") is not None else "",
                     number(after["ratio"]) if after.get("ratio") is not None else ""))
    return rows


def render(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare", description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path, help="the earlier run's JSON file")
    parser.add_argument("b", type=Path, help="the later run's JSON file")
    args = parser.parse_args()
    print(f"A: {args.a}\nB: {args.b}\n")
    print(render(compare(args.a, args.b)))


if __name__ == "__main__":
    main()
