"""uploads kept sealed and purged after a retention period

Revision ID: 0023_sealed_uploads
Revises: 0022_census_snapshots

`import_files.key_id` names the ID key that sealed a file (NULL: still in the clear); `import_jobs.file_removed_at`
says when the retention rule deleted a job's file. Files kept in the clear before this revision are sealed here,
with the application's own vault: `flask db upgrade` always runs inside the app, so the keys are at hand. Where
they are not (`--sql` offline mode, or Alembic run without the app), the rows stay marked clear (key_id NULL) and
`flask imports seal` seals them; `flask jobs sweep` (cron) runs it too, so no clear file outlives a day.
"""
from alembic import context, op
import sqlalchemy as sa

revision = "0023_sealed_uploads"
down_revision = "0022_census_snapshots"
branch_labels = None
depends_on = None

_files = sa.table("import_files", sa.column("id", sa.Integer), sa.column("job_id", sa.Integer),
                  sa.column("content", sa.LargeBinary), sa.column("key_id", sa.String))


def upgrade():
    with op.batch_alter_table("import_jobs") as batch:
        batch.add_column(sa.Column("file_removed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("import_files") as batch:
        batch.add_column(sa.Column("key_id", sa.String(length=32), nullable=True))
    seal_clear_files(_app_vault())


def downgrade():
    open_sealed_files(_app_vault())
    with op.batch_alter_table("import_files") as batch:
        batch.drop_column("key_id")
    with op.batch_alter_table("import_jobs") as batch:
        batch.drop_column("file_removed_at")


def seal_clear_files(vault):
    """Seal every file still in the clear (key_id NULL); without the app's vault, leave them to `flask imports seal`."""
    if vault is None:
        return
    bind = op.get_bind()
    for file_id, job_id in bind.execute(sa.select(_files.c.id, _files.c.job_id)
                                        .where(_files.c.key_id.is_(None))).all():
        content = bind.execute(sa.select(_files.c.content).where(_files.c.id == file_id)).scalar_one()
        # The owner string is credentials.imports.kept_files.file_owner's, written out: a migration stays as it was.
        bind.execute(_files.update().where(_files.c.id == file_id).values(
            content=vault.seal_file(f"import_job|{job_id}", content), key_id=vault.current_key_id))


def open_sealed_files(vault):
    """Back to the clear, for a schema that has no key_id."""
    bind = op.get_bind()
    sealed = bind.execute(sa.select(_files.c.id, _files.c.job_id).where(_files.c.key_id.is_not(None))).all()
    if sealed and vault is None:
        raise RuntimeError("sealed import files can be opened only with the app's keys: run `flask db downgrade`")
    for file_id, job_id in sealed:
        content = bind.execute(sa.select(_files.c.content).where(_files.c.id == file_id)).scalar_one()
        bind.execute(_files.update().where(_files.c.id == file_id).values(
            content=vault.open_file(f"import_job|{job_id}", content), key_id=None))


def _app_vault():
    """The running app's personal-data vault, or None (offline SQL, or no app around this migration)."""
    if context.is_offline_mode():
        return None
    try:
        from flask import current_app

        return current_app.extensions.get("vault")
    except RuntimeError:  # outside an application context
        return None
