"""a worker's consent to public pages

The log of who viewed a worker's record needs no table of its own: it is the audit trail
(`worker.record_viewed` events, credentials.services.access_log).

Revision ID: 0013_consent_and_access
Revises: 0012_share_links
"""
from alembic import op
import sqlalchemy as sa

revision = "0013_consent_and_access"
down_revision = "0012_share_links"
branch_labels = None
depends_on = None


def upgrade():
    # Every worker already registered starts at "no": consent to public pages is never presumed.
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_profile_consent", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade():
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_column("public_profile_consent")
