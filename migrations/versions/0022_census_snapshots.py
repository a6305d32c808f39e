"""the bureau ladder census of a region on a day, refreshed daily by `flask campaign census`

Revision ID: 0022_census_snapshots
Revises: 0021_campaign_evaluations
"""
from alembic import op
import sqlalchemy as sa

revision = "0022_census_snapshots"
down_revision = "0021_campaign_evaluations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "census_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=False),
        sa.Column("framework", sa.String(length=16), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("on_ladder", sa.Integer(), nullable=False),
        sa.Column("nodes", sa.JSON(), nullable=False),
        sa.Column("edges", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_census_snapshots")),
        sa.UniqueConstraint("region_code", "framework", "on",
                            name=op.f("uq_census_snapshots_region_code_framework_on")),
    )


def downgrade():
    op.drop_table("census_snapshots")
