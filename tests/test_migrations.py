"""Migrations are the only way the schema changes: after `upgrade heads` the database equals the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.extensions import db
from credentials.models import Base


def test_migrations_build_exactly_the_schema_the_models_declare(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": partitioning_aside(connection.dialect.name)})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "write a migration: flask db revision --autogenerate"


def partitioning_aside(dialect: str):
    """PostgreSQL's yearly partitions (migration 0025, credentials/services/partitions.py) are not in the models: the
    partitions themselves, the audit chain's uniqueness, which lives on each partition (a partitioned table's own
    unique keys must hold the partition key), and the unique (id, occurred_at) index standing for the primary key."""
    from credentials.services.partitions import PARTITIONED, is_partition_of_a_partitioned_table

    partitioned = {table.name for table in PARTITIONED}
    identity_indexes = {table.identity_index for table in PARTITIONED}

    def include(object_, name, type_, reflected, _compare_to) -> bool:
        if dialect != "postgresql":
            return True
        if type_ == "table":
            return not (reflected and is_partition_of_a_partitioned_table(name))
        if type_ == "index":
            return not (reflected and name in identity_indexes)
        return not (type_ == "unique_constraint" and object_.table.name in partitioned)
    return include


def test_migration_history_is_one_line_with_a_single_head(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    assert script.get_base() == "0001"
    assert len(script.get_heads()) == 1, "merge the branches: flask db merge heads"
    revisions = list(script.walk_revisions())
    assert len({r.revision for r in revisions}) == len(revisions)
