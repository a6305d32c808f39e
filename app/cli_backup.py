"""`flask backup PATH` and `flask restore PATH`: the database to a file and back (the work is in app/backup.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app

from . import backup as backups
from .extensions import db


def code_revision() -> str:
    """The schema revision this code's migrations end at (what a restorable dump must carry)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return backups.revision_text(ScriptDirectory.from_config(config).get_heads())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH (SQLite: online backup; PostgreSQL: pg_dump -Fc), and
    PATH.manifest.json beside it: schema revision, row counts, sha256, time (UTC). Safe while the app runs."""
    try:
        manifest = backups.backup(db.engine.url, path)
    except backups.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"backed up to {path} ({manifest.size:,} bytes, {manifest.engine}, revision {manifest.schema_revision})")
    click.echo(f"manifest {backups.manifest_path(path)}: {len(manifest.row_counts)} tables, "
               f"{sum(manifest.row_counts.values()):,} rows, sha256 {manifest.sha256}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds tables.")
def restore_command(path: Path, force: bool) -> None:
    """Replace the database named by DATABASE_URL with the dump at PATH, once its checksum and schema revision
    match its manifest and this code; then print the row count of every table."""
    db.session.remove()
    db.engine.dispose()  # no pooled connection of this process holds the database while it is replaced
    try:
        counts = backups.restore(db.engine.url, path, expected_revision=code_revision(), force=force)
    except backups.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    width = max(map(len, counts), default=0)
    for name, rows in counts.items():
        click.echo(f"  {name:<{width}}  {rows:>10,}")
    click.echo(f"restored {path}: {len(counts)} tables, {sum(counts.values()):,} rows, as in the manifest")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
