"""`flask campaign rebuild` and `flask campaign check`: the indicator tallies recomputed from the records, or
compared with a recomputation (credentials/services/tallies.py does the work); `flask campaign census`: the daily
refresh of the bureau ladder census (credentials/services/census_refresh.py)."""

from __future__ import annotations

import sys
import time
from datetime import datetime

import click
from flask import Flask
from flask.cli import AppGroup

from credentials.clock import china_today
from credentials.errors import CredentialsError
from credentials.services.census_refresh import refresh_all, refresh_census
from credentials.services.tallies import check_tallies, rebuild_tallies

from .extensions import db

campaign_cli = AppGroup("campaign", help="The campaign's indicator tallies.")


@campaign_cli.command("rebuild")
def rebuild_command() -> None:
    """Recompute every indicator tally and worker standing from the records (once after upgrading an existing
    database; safe at any time: writers wait on PostgreSQL until it commits)."""
    started = time.perf_counter()
    summary = rebuild_tallies(db.session())
    db.session.commit()
    click.echo(f"tallies rebuilt: {summary.tallies:,} rows, {summary.standings:,} worker standings "
               f"in {time.perf_counter() - started:.1f} s")


@campaign_cli.command("check")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="How many differences to print.")
def check_command(limit: int) -> None:
    """Compare every kept tally with a recomputation from the records; exit 1 and list them when they differ."""
    differences = check_tallies(db.session())
    db.session.rollback()
    if not differences:
        click.echo("tallies agree with the records")
        return
    click.echo(f"{len(differences):,} tallies differ from the records (run `flask campaign rebuild`):", err=True)
    for d in differences[:limit]:
        click.echo(f"  {d.series} region {d.region_code or 'nation'} month {d.month:%Y-%m} key {d.key or '-'}: "
                   f"kept {d.kept}, recomputed {d.recomputed}", err=True)
    sys.exit(1)


@campaign_cli.command("census")
@click.option("--region", default=None, help="One region: a 2-digit province, a 4-digit city, or '' the nation "
              "(default: every city and province with workers, and the nation).")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to count for (default: today in China).")
def census_command(region: str | None, day: datetime | None) -> None:
    """Recount the bureau ladder census (who stands where, who may move along each edge now) and keep it per
    region: run it daily from cron; the bureau's ladder page reads the latest and says when it was computed."""
    today = day.date() if day is not None else china_today()
    started = time.perf_counter()
    if region is not None:
        try:
            snapshot = refresh_census(db.session(), region_code=region, today=today)
        except CredentialsError as error:
            db.session.rollback()
            raise click.ClickException(error.message("en")) from None
        db.session.commit()
        click.echo(f"census {today} of {region or 'the nation'}: {snapshot.workers:,} workers")
        return
    kept = refresh_all(db.session(), today, each=lambda _snapshot: db.session.commit())
    click.echo(f"census {today} kept for {len(kept):,} regions in {time.perf_counter() - started:.1f} s")


def init_app(app: Flask) -> None:
    app.cli.add_command(campaign_cli)
