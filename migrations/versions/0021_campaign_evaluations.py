"""comments of the province and the ministry on a city's campaign evaluation

Revision ID: 0021_campaign_evaluations
Revises: 0020_reporting_packages
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0021_campaign_evaluations"
down_revision = "0020_reporting_packages"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
