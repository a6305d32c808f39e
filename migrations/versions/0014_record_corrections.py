"""corrections a worker asks for, and superseded credentials

Revision ID: 0014_record_corrections
Revises: 0013_consent_and_access
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0014_record_corrections"
down_revision = "0013_consent_and_access"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
