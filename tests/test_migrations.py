"""Migrations are the only way the schema changes: after `upgrade heads` the database equals the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from credentials.models import Base


def test_migrations_build_exactly_the_schema_the_models_declare(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "write a migration: flask db revision --autogenerate"


def test_migration_history_is_one_line_with_a_single_head(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    assert script.get_base() == "0001"
    assert len(script.get_heads()) == 1, "merge the branches: flask db merge heads"
    revisions = list(script.walk_revisions())
    assert len({r.revision for r in revisions}) == len(revisions)
