"""comments of the province and the ministry on a city's campaign evaluation

Revision ID: 0021_campaign_evaluations
Revises: 0020_reporting_packages
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0021_campaign_evaluations"
down_revision = "0020_reporting_packages"
branch_labels = None
depends_on = None

LEVELS = sa.Enum("province", "ministry", name="commentlevel", native_enum=False, length=32)


def upgrade():
    op.create_table(
        "evaluation_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_city_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("level", LEVELS, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(text) > 0", name=op.f("ck_evaluation_comments_text_given")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_evaluation_comments_author_id_users")),
        sa.ForeignKeyConstraint(["campaign_city_id"], ["campaign_cities.id"],
                                name=op.f("fk_evaluation_comments_campaign_city_id_campaign_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_comments")),
    )
    with op.batch_alter_table("evaluation_comments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_comments_campaign_city_id"), ["campaign_city_id"], unique=False)


def downgrade():
    with op.batch_alter_table("evaluation_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_comments_campaign_city_id"))
    op.drop_table("evaluation_comments")
