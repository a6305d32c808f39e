"""links with which a worker shares chosen certificates

Revision ID: 0012_share_links
Revises: 0011_worker_activations
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0012_share_links"
down_revision = "0011_worker_activations"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
