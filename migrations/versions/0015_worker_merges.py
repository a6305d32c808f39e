"""one person entered twice, merged

Revision ID: 0015_worker_merges
Revises: 0014_record_corrections
"""
from alembic import op
import sqlalchemy as sa

revision = "0015_worker_merges"
down_revision = "0014_record_corrections"
branch_labels = None
depends_on = None

KINDS = sa.Enum("same_id", "one_digit", "swapped", "same_person_details", name="duplicatekind",
                native_enum=False, length=32)


def upgrade():
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_workers_merged_into_id"), ["merged_into_id"], unique=False)
        batch_op.create_index("ix_workers_name_birth_date", ["name", "birth_date"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_workers_merged_into_id_workers"), "workers",
                                    ["merged_into_id"], ["id"])

    op.create_table(
        "worker_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("kind", KINDS, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("deactivated_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("survivor_id <> merged_id", name=op.f("ck_worker_merges_two_workers")),
        sa.ForeignKeyConstraint(["survivor_id"], ["workers.id"], name=op.f("fk_worker_merges_survivor_id_workers")),
        sa.ForeignKeyConstraint(["merged_id"], ["workers.id"], name=op.f("fk_worker_merges_merged_id_workers")),
        sa.ForeignKeyConstraint(["deactivated_user_id"], ["users.id"],
                                name=op.f("fk_worker_merges_deactivated_user_id_users")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_worker_merges_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_merges")),
        sa.UniqueConstraint("merged_id", name=op.f("uq_worker_merges_merged_id")),
    )
    with op.batch_alter_table("worker_merges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_merges_survivor_id"), ["survivor_id"], unique=False)

    op.create_table(
        "dismissed_duplicates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_worker_id", sa.Integer(), nullable=False),
        sa.Column("second_worker_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("dismissed_by_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("first_worker_id < second_worker_id", name=op.f("ck_dismissed_duplicates_pair_ordered")),
        sa.ForeignKeyConstraint(["first_worker_id"], ["workers.id"],
                                name=op.f("fk_dismissed_duplicates_first_worker_id_workers")),
        sa.ForeignKeyConstraint(["second_worker_id"], ["workers.id"],
                                name=op.f("fk_dismissed_duplicates_second_worker_id_workers")),
        sa.ForeignKeyConstraint(["dismissed_by_id"], ["users.id"],
                                name=op.f("fk_dismissed_duplicates_dismissed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dismissed_duplicates")),
        sa.UniqueConstraint("first_worker_id", "second_worker_id",
                            name=op.f("uq_dismissed_duplicates_first_worker_id_second_worker_id")),
    )
    with op.batch_alter_table("dismissed_duplicates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dismissed_duplicates_second_worker_id"), ["second_worker_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("dismissed_duplicates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dismissed_duplicates_second_worker_id"))
    op.drop_table("dismissed_duplicates")
    with op.batch_alter_table("worker_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_merges_survivor_id"))
    op.drop_table("worker_merges")
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_workers_merged_into_id_workers"), type_="foreignkey")
        batch_op.drop_index("ix_workers_name_birth_date")
        batch_op.drop_index(batch_op.f("ix_workers_merged_into_id"))
        batch_op.drop_column("merged_into_id")
