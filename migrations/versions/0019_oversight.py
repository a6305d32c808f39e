"""oversight: promotion quotas and reviewed flags

Revision ID: 0019_oversight
Revises: 0018_programmes
"""
from alembic import op
import sqlalchemy as sa

revision = "0019_oversight"
down_revision = "0018_programmes"
branch_labels = None
depends_on = None

KINDS = sa.Enum("nomination_quota", "pass_rate", "before_lapse", "multi_certificate", "repeat_sitting",
                name="flagkind", native_enum=False, length=32)
OUTCOMES = sa.Enum("explained", "action_taken", name="reviewoutcome", native_enum=False, length=32)


def upgrade():
    op.create_table(
        "flag_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", KINDS, nullable=False),
        sa.Column("subject_key", sa.String(length=120), nullable=False),
        sa.Column("records_digest", sa.String(length=64), nullable=False),
        sa.Column("records", sa.JSON(), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=False),
        sa.Column("outcome", OUTCOMES, nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(note) > 0", name=op.f("ck_flag_reviews_note_given")),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["users.id"], name=op.f("fk_flag_reviews_reviewed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_reviews")),
        sa.UniqueConstraint("region_code", "subject_key", "records_digest",
                            name=op.f("uq_flag_reviews_region_code_subject_key_records_digest")),
    )
    with op.batch_alter_table("flag_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flag_reviews_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_flag_reviews_subject_key"), ["subject_key"], unique=False)


def downgrade():
    with op.batch_alter_table("flag_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_reviews_subject_key"))
        batch_op.drop_index(batch_op.f("ix_flag_reviews_region_code"))
    op.drop_table("flag_reviews")
