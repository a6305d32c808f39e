"""one-time codes with which a registered worker opens their own account

Revision ID: 0011_worker_activations
Revises: 0010_login_throttles
"""
from alembic import op
import sqlalchemy as sa

revision = "0011_worker_activations"
down_revision = "0010_login_throttles"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "worker_activations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("expires_at > issued_at", name=op.f("ck_worker_activations_expires_after_issue")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_worker_activations_issued_by_id_users")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_worker_activations_worker_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_activations")),
    )
    with op.batch_alter_table("worker_activations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_activations_worker_id"), ["worker_id"], unique=False)


def downgrade():
    with op.batch_alter_table("worker_activations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_activations_worker_id"))
    op.drop_table("worker_activations")
