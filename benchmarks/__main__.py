"""Run every benchmark on a fresh SQLite database and, given a PostgreSQL server, again on a fresh database
there; print one `BENCH` line per figure as it is measured, then a table, and write the figures as JSON.

    python -m benchmarks [--workers 1000000] [--database-url postgresql://postgres@127.0.0.1/postgres]

`make bench` runs this with BENCH_WORKERS (default 1,000,000) and, when DATABASE_URL names a PostgreSQL
server, its PostgreSQL pass too. The fixed figure names are listed in benchmarks/report.py.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

from .eligibility import bench_eligibility
from .harness import fresh_app
from .imports import bench_imports
from .pages import bench_pages
from .report import Bench
from .routes import bench_routes
from .serve import ROOT, tool_name
from .signing import bench_signing
from .synth import bench_synth
from .verify import bench_verify


def _postgres_from_env() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql")) else None


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS") or 1_000_000),
                        help="synthetic workers to generate first (BENCH_WORKERS; default 1,000,000)")
    parser.add_argument("--database-url", default=_postgres_from_env(),
                        help="PostgreSQL server for the second pass (default: DATABASE_URL when it is PostgreSQL); "
                             "a scratch database is made there and dropped")
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite pass")
    parser.add_argument("--requests", type=int, default=300, help="requests per page figure (at most)")
    parser.add_argument("--page-budget", type=float, default=60.0,
                        help="seconds of sampling per page figure (at least 5 samples are taken)")
    parser.add_argument("--planned", type=int, default=1000, help="workers whose routes are planned one by one")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the bulk-import file")
    parser.add_argument("--sign", type=int, default=200, help="credentials signed in the signing batch")
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn workers of each server")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections of the load tool")
    parser.add_argument("--load-seconds", type=float, default=5.0, help="seconds per load round and side")
    parser.add_argument("--load-rounds", type=int, default=3, help="alternating load rounds per side")
    parser.add_argument("--load-tool", choices=("auto", "wrk", "python"), default="auto",
                        help="wrk when installed (auto), else a bounded Python load generator")
    parser.add_argument("--only", action="append", metavar="STAGE",
                        choices=("verify", "pages", "eligibility", "routes", "signing", "imports"),
                        help="run only this stage after synth (repeatable; default: every stage)")
    parser.add_argument("--out", type=Path, default=ROOT / "instance", help="directory of the JSON file")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> Path:
    args = arguments(argv)
    passes = ([] if args.no_sqlite else [("sqlite", None)]) + ([("postgresql", args.database_url)]
                                                                 if args.database_url else [])
    settings = {key: (str(value) if isinstance(value, Path) else value) for key, value in vars(args).items()
                if key != "database_url"}
    settings["load_tool"] = tool_name(args.load_tool)
    settings["databases"] = [name for name, _ in passes]
    bench = Bench(settings)
    for database, server_url in passes:
        bench.database = database
        _stage(f"{database}: migrating a scratch database and loading the demo")
        with tempfile.TemporaryDirectory(prefix="tl-bench-") as scratch, fresh_app(scratch, server_url) as (app, url):
            stages = (
                ("synth", lambda: bench_synth(bench, app, args.workers)),
                ("verify", lambda: bench_verify(bench, app, url, scratch, workers=args.server_workers,
                                                connections=args.connections, seconds=args.load_seconds,
                                                rounds=args.load_rounds, tool=args.load_tool)),
                ("pages", lambda: bench_pages(bench, app, args.requests, args.page_budget)),
                ("eligibility", lambda: bench_eligibility(bench, app)),
                ("routes", lambda: bench_routes(bench, app, args.planned, min(args.requests, 100),
                                                args.page_budget)),
                ("signing", lambda: bench_signing(bench, app, args.sign)),
                ("imports", lambda: bench_imports(bench, url, scratch, args.import_rows)),  # last: adds workers
            )
            for name, run in stages:
                if args.only and name != "synth" and name not in args.only:
                    continue
                # Each stage is timed on its own heap: the previous stage's objects (a synth leaves hundreds of
                # thousands) go to the collector's permanent generation, or a full collection of them lands in
                # whichever stage comes next (100-170 ms inside a signing batch of 200).
                gc.collect()
                gc.freeze()
                started = time.perf_counter()
                run()
                _stage(f"{database}: {name} took {time.perf_counter() - started:.1f} s")
    print()
    print(bench.table())
    path = bench.write(args.out)
    print(f"\n{len(bench.figures)} figures in {time.time() - bench.started:.0f} s; JSON: {path}", flush=True)
    return path


def _stage(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
