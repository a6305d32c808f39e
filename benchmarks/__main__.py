"""Run the benchmarks against a fresh database (SQLite by default, `--database-url` for PostgreSQL).

    python -m benchmarks [--workers 20000] [--database-url postgresql://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import tempfile

from .harness import Bench, fresh_app
from .imports import bench_imports
from .pages import bench_pages
from .routes import bench_routes
from .synth import bench_synth


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--workers", type=int, default=20_000, help="synthetic workers to generate first")
    parser.add_argument("--database-url", default=None, help="PostgreSQL server URL (a scratch database is made)")
    parser.add_argument("--requests", type=int, default=300, help="requests per page benchmark")
    parser.add_argument("--planned", type=int, default=1000, help="workers whose routes are planned one by one")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows of the bulk-import file")
    args = parser.parse_args()
    bench = Bench()
    with tempfile.TemporaryDirectory() as scratch, fresh_app(scratch, args.database_url) as app:
        bench_synth(bench, app, args.workers)
        bench_pages(bench, app, args.requests)
        bench_imports(bench, app, args.import_rows)
        bench_routes(bench, app, args.planned)
    bench.summary()


if __name__ == "__main__":
    main()
