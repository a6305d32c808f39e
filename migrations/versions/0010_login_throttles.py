"""login throttles per account name and client (the per-account lock let anyone lock anyone out)

Revision ID: 0010_login_throttles
Revises: 0009_applications
"""
from alembic import op
import sqlalchemy as sa

revision = "0010_login_throttles"
down_revision = "0009_applications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_login_throttles_failures_not_negative")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_throttles_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_throttles_updated_at"), ["updated_at"], unique=False)
    # The per-account lock is gone: clear any lock in force so that nobody stays locked out by a stranger.
    op.execute("UPDATE users SET locked_until = NULL, failed_logins = 0")


def downgrade():
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_updated_at"))
        batch_op.drop_index(batch_op.f("ix_login_throttles_account"))
    op.drop_table("login_throttles")
