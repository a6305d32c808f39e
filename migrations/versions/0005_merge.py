"""merge approvals and trust branches

Revision ID: 0005
Revises: 0003, 0004
Create Date: 2026-11-25 16:32:58.088240

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = ('0003', '0004')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
