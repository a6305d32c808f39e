"""`flask report verify FILE`: check a reporting package (credentials/services/report_archive.py) offline, the way
the receiving system would: its files, their checksums and the signature over its manifest."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from credentials.models import ReportPackage
from credentials.services.report_archive import PROBLEMS, verify_archive
from credentials.services.reporting import registry_key_resolver

from . import trust
from .extensions import db

report_cli = AppGroup("report", help="Reporting upward: packages of certificate records for the national look-up.")
MAX_FILE_BYTES = 1024**3


@report_cli.command("verify")
@click.argument("file", type=click.File("rb"))
def verify_command(file) -> None:
    """Check FILE (a package's zip): exactly its four files, each file's sha256 as the manifest says, and the
    signature over the manifest made with a key the registry publishes. Exit code 0 only when all hold."""
    data = file.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise click.ClickException(f"{file.name} is over {MAX_FILE_BYTES // 1024**2} MB: not a package")
    check = verify_archive(data, registry_key_resolver(db.session(), trust.issuer()))
    click.echo(f"{file.name}: sha256 {check.sha256}")
    manifest = check.manifest or {}
    if manifest:
        region, period, counts = manifest.get("region") or {}, manifest.get("period") or {}, manifest.get("counts") or {}
        click.echo(f"  package {manifest.get('package_id')} of {region.get('code')} {region.get('name')}, "
                   f"{manifest.get('kind')}, {period.get('start')} to {period.get('end')}, "
                   f"{counts.get('records')} records")
        _compare_with_record(manifest.get("package_id"), check.sha256)
    db.session.rollback()  # a check writes nothing
    if check.ok:
        click.echo(f"package verified: signed by {check.key_id}, every checksum holds")
        return
    for problem in check.problems:
        click.echo(f"  FAILED {problem}: {PROBLEMS[problem].en}", err=True)
    click.echo("package NOT verified", err=True)
    sys.exit(1)


def _compare_with_record(package_id: object, sha256: str) -> None:
    """A note, not a verdict: a package re-zipped on the way keeps its signed content but not its zip's sha256."""
    package = db.session.get(ReportPackage, package_id) if isinstance(package_id, int) else None
    if package is None:
        click.echo("  this registry holds no record of that package")
    elif package.sha256 == sha256:
        click.echo(f"  the zip is byte for byte the one built on {package.created_at:%Y-%m-%d %H:%M} UTC")
    else:
        click.echo(f"  note: the registry recorded sha256 {package.sha256} for this package (the zip was re-packed)")


def init_app(app: Flask) -> None:
    app.cli.add_command(report_cli)
