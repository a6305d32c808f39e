"""indexes matching the hot read paths

Revision ID: 0027_read_paths
Revises: 0026_admin_duties
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0027_read_paths"
down_revision = "0026_admin_duties"
branch_labels = None
depends_on = None


def upgrade():
    # Nothing to add: EXPLAIN (ANALYZE) on PostgreSQL of the hot reads (the verification look-up, the worker's
    # progression page, the bureau queue) shows every statement on an existing index (uq_certificates_number,
    # pk_workers, ix_workers_merged_into_id, ix_training_records_worker_id, ix_promotion_requests_worker_id,
    # ix_competition_promotions_queue ...), with no sequential scan of a growing table. An index nobody reads
    # only slows every write.
    pass


def downgrade():
    pass
