"""the merged-record index holds merged records only

Revision ID: 0028_partial_merged_index
Revises: 0027_read_paths
"""
from alembic import op
import sqlalchemy as sa

revision = "0028_partial_merged_index"
down_revision = "0027_read_paths"
branch_labels = None
depends_on = None

MERGED = sa.text("merged_into_id IS NOT NULL")


def upgrade():
    # Nearly every worker has no merged_into_id. SQLite's ANALYZE (sqlite_stat1) counts those NULLs as one value
    # and then judges the whole index useless: the verification look-up's join to a merged record scanned every
    # worker (200-450 ms a look-up at a million workers). A partial index holds only merged records, and an
    # equality on the column still uses it on both databases.
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_index("ix_workers_merged_into_id")
        batch_op.create_index("ix_workers_merged_into_id", ["merged_into_id"], unique=False,
                              sqlite_where=MERGED, postgresql_where=MERGED)


def downgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.drop_index("ix_workers_merged_into_id", sqlite_where=MERGED, postgresql_where=MERGED)
        batch_op.create_index("ix_workers_merged_into_id", ["merged_into_id"], unique=False)
