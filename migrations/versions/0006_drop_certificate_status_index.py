"""drop the index on certificates.status

Almost every certificate is valid, so the index selects nothing; worse, without fresh statistics SQLite
chose it over the worker index for "this worker's valid certificates", scanning every valid certificate
(9 ms per history load at 120,000 workers, 0.3 ms without it).

Revision ID: 0006
Revises: 0005
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index("ix_certificates_status")


def downgrade():
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index("ix_certificates_status", ["status"], unique=False)
