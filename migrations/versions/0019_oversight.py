"""oversight: promotion quotas and reviewed flags

Revision ID: 0019_oversight
Revises: 0018_programmes
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0019_oversight"
down_revision = "0018_programmes"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
