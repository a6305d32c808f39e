"""`flask audit purge`: remove audit events older than AUDIT_RETENTION_DAYS (never newer than 180 days)."""

from __future__ import annotations

import click
from flask import current_app

from credentials import CredentialsError
from credentials.services.audit_retention import MINIMUM_RETENTION_DAYS, PurgeReport, purge_audit_trail

from .extensions import db


@click.command("purge")
@click.option("--days", type=int, default=None,
              help=f"Keep this many days instead of AUDIT_RETENTION_DAYS (at least {MINIMUM_RETENTION_DAYS}).")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove and record nothing.")
def audit_purge(days: int | None, dry_run: bool) -> None:
    """Delete the audit events older than the retention period; the purge is itself audited."""
    retention = days if days is not None else current_app.config["AUDIT_RETENTION_DAYS"]
    try:
        report = purge_audit_trail(db.session(), retention_days=retention, by=None, dry_run=dry_run)
    except CredentialsError as error:
        db.session.rollback()
        raise click.ClickException(error.message("en")) from None
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    _print(report)


def _print(report: PurgeReport) -> None:
    verb = "would delete" if report.dry_run else "deleted"
    click.echo(f"{verb} {report.deleted:,} audit events older than {report.cut_off.isoformat(timespec='seconds')} "
               f"(retention {report.retention_days} days)")
    for action, count in report.by_action.items():
        click.echo(f"  {action}: {count:,}")
    if not report.dry_run:
        click.echo("recorded as audit.purged")
