"""TOTP second factor and recovery codes

Revision ID: 0024_second_factor
Revises: 0023_sealed_uploads
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0024_second_factor"
down_revision = "0023_sealed_uploads"
branch_labels = None
depends_on = None


def upgrade():
    pass  # slot reserved; filled by the change that needs it


def downgrade():
    pass
