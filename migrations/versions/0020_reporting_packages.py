"""packages of certificate records reported upward

Revision ID: 0020_reporting_packages
Revises: 0019_oversight
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0020_reporting_packages"
down_revision = "0019_oversight"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
