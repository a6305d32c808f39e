"""a worker's consent to public pages

Revision ID: 0013_consent_and_access
Revises: 0012_share_links
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0013_consent_and_access"
down_revision = "0012_share_links"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
