"""`flask workers ...`: the registry's workers from the command line (read-only reports)."""

from __future__ import annotations

from collections import Counter

import click
from flask import current_app
from flask.cli import AppGroup

from credentials.queries.duplicates import STRENGTH, all_duplicate_pairs

from .extensions import db

workers_cli = AppGroup("workers", help="Workers in the registry.")


@workers_cli.command("duplicates")
def duplicates_command() -> None:
    """Count the candidate pairs of records entered twice, by kind and by city (no names, no ID numbers)."""
    pairs = all_duplicate_pairs(db.session(), current_app.extensions["vault"])
    by_kind = Counter(pair.kind for pair in pairs)
    by_city = Counter(pair.first.city_code if not pair.cross_city else "across cities" for pair in pairs)
    click.echo(f"candidate pairs: {len(pairs)}")
    for kind, count in sorted(by_kind.items(), key=lambda item: list(STRENGTH).index(item[0])):
        click.echo(f"  {kind.value:<20} {STRENGTH[kind]:<9} {count}")
    for city, count in sorted(by_city.items()):
        click.echo(f"  city {city:<16} {count}")
