"""administrator duties: system, security and audit (三员分立)

Every administrator holds exactly one duty (users.admin_duty, checked: admin <=> duty). Administrators that exist
before this revision become security administrators: the security duty is the one that creates accounts, so an
upgraded installation can still create its system and audit administrators (and nobody is left unable to manage
accounts). The security administrator then cannot read the audit trail until an audit administrator reads it.

Revision ID: 0026_admin_duties
Revises: 0025_partitions
"""
from alembic import op
import sqlalchemy as sa

revision = "0026_admin_duties"
down_revision = "0025_partitions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admin_duty", sa.String(length=32), nullable=True))
    op.execute("UPDATE users SET admin_duty = 'security' WHERE role = 'admin'")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_users_admin_iff_duty"), "(role = 'admin') = (admin_duty IS NOT NULL)")


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_admin_iff_duty"), type_="check")
        batch_op.drop_column("admin_duty")
