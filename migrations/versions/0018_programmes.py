"""programmes: training bases, masters' studios, technician cohorts, special allowances

Revision ID: 0018_programmes
Revises: 0017_campaigns
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0018_programmes"
down_revision = "0017_campaigns"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
