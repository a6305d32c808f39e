"""`flask partitions ensure|list`: the yearly partitions of the audit trail on PostgreSQL (credentials/services/partitions.py).

Run `ensure` daily from cron (or at least every December): it creates this year's and next year's partitions
when missing, so no row ever waits in the default partition. On SQLite it says there is nothing to do.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from credentials.clock import china_date
from credentials.models import utcnow
from credentials.services.partitions import PARTITIONED, ensure_partitions, is_partitioned, partitions

from .extensions import db

partitions_cli = AppGroup("partitions", help="Yearly partitions of the tables that grow without bound (PostgreSQL).")


@partitions_cli.command("ensure")
@click.option("--years-ahead", type=click.IntRange(0, 10), default=1, show_default=True,
              help="Also create the partitions of this many coming years.")
def ensure_command(years_ahead: int) -> None:
    """Create this year's partitions and those of the coming years, when missing (moving any of their rows
    out of the default partition)."""
    this_year = china_date(utcnow()).year
    with db.engine.begin() as connection:
        if not any(is_partitioned(connection, table) for table in PARTITIONED):
            click.echo("nothing to do: no partitioned tables on this database (SQLite, or before migration 0025)")
            return
        created = ensure_partitions(connection, range(this_year, this_year + years_ahead + 1))
    click.echo("created: " + ", ".join(created) if created else "every partition exists")


@partitions_cli.command("list")
def list_command() -> None:
    """Each partitioned table's partitions and their rows (estimated from the planner's statistics)."""
    with db.engine.connect() as connection:
        for table in PARTITIONED:
            if not is_partitioned(connection, table):
                click.echo(f"{table.name}: not partitioned")
                continue
            for name in partitions(connection, table):
                rows = connection.exec_driver_sql(
                    "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE relname = %s", (name,)).scalar()
                click.echo(f"{table.name}: {name} ~{rows} rows")


def init_app(app: Flask) -> None:
    app.cli.add_command(partitions_cli)
