"""the campaign: cities, phases, plans, targets; indicator tallies kept with the writes

Revision ID: 0017_campaigns
Revises: 0016_account_duties

An existing database starts with empty tallies: run `flask campaign rebuild` once after upgrading (README).
"""
from alembic import op
import sqlalchemy as sa

revision = "0017_campaigns"
down_revision = "0016_account_duties"
branch_labels = None
depends_on = None


def _edited_by(table: str) -> list:
    return [
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["campaign_city_id"], ["campaign_cities.id"],
                                name=op.f(f"fk_{table}_campaign_city_id_campaign_cities")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f(f"fk_{table}_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def upgrade():
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cities_illustrative", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaigns_dates_ordered")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_campaigns_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("code", name=op.f("uq_campaigns_code")),
    )
    op.create_table(
        "campaign_phases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaign_phases_dates_ordered")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_campaign_phases_campaign_id_campaigns")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_phases")),
        sa.UniqueConstraint("campaign_id", "code", name=op.f("uq_campaign_phases_campaign_id_code")),
    )
    with op.batch_alter_table("campaign_phases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_phases_campaign_id"), ["campaign_id"], unique=False)

    op.create_table(
        "campaign_cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("city_code", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaigns.id"],
                                name=op.f("fk_campaign_cities_campaign_id_campaigns")),
        sa.ForeignKeyConstraint(["city_code"], ["cities.code"], name=op.f("fk_campaign_cities_city_code_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_cities")),
        sa.UniqueConstraint("campaign_id", "city_code", name=op.f("uq_campaign_cities_campaign_id_city_code")),
    )
    with op.batch_alter_table("campaign_cities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_cities_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_cities_city_code"), ["city_code"], unique=False)

    op.create_table(
        "city_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_city_id", sa.Integer(), nullable=False),
        sa.Column("leadership_group", sa.Text(), nullable=False),
        sa.Column("lead_department", sa.String(length=200), nullable=False),
        sa.Column("policy_documents", sa.JSON(), nullable=False),
        *_edited_by("city_plans"),
        sa.UniqueConstraint("campaign_city_id", name=op.f("uq_city_plans_campaign_city_id")),
    )
    op.create_table(
        "city_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_city_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.Enum("employment_fund", "high_skill_fund", "education_surcharge", "enterprise_fund",
                                     name="fundingchannel", native_enum=False, length=32), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("phase_code", sa.String(length=32), nullable=False),
        *_edited_by("city_funding"),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_city_funding_amount_not_negative")),
        sa.UniqueConstraint("campaign_city_id", "channel", "phase_code",
                            name=op.f("uq_city_funding_campaign_city_id_channel_phase_code")),
    )
    with op.batch_alter_table("city_funding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_city_funding_campaign_city_id"), ["campaign_city_id"], unique=False)

    op.create_table(
        "city_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_city_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=48), nullable=False),
        sa.Column("phase_code", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Numeric(precision=14, scale=2), nullable=False),
        *_edited_by("city_targets"),
        sa.CheckConstraint("target >= 0", name=op.f("ck_city_targets_target_not_negative")),
        sa.UniqueConstraint("campaign_city_id", "indicator_code", "phase_code",
                            name=op.f("uq_city_targets_campaign_city_id_indicator_code_phase_code")),
    )
    with op.batch_alter_table("city_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_city_targets_campaign_city_id"), ["campaign_city_id"], unique=False)

    op.create_table(
        "tallies",
        sa.Column("series", sa.String(length=48), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("series", "region_code", "month", "key", name=op.f("pk_tallies")),
    )
    with op.batch_alter_table("tallies", schema=None) as batch_op:
        batch_op.create_index("ix_tallies_region", ["series", "region_code", "month", "key", "value"], unique=False)
        batch_op.create_index("ix_tallies_series_month", ["series", "month", "region_code", "key", "value"],
                              unique=False)

    op.create_table(
        "worker_standings",
        sa.Column("worker_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("city_code", sa.String(length=4), nullable=False),
        sa.Column("highest_level", sa.String(length=32), nullable=False),
        sa.Column("framework", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_worker_standings")),
    )


def downgrade():
    op.drop_table("worker_standings")
    with op.batch_alter_table("tallies", schema=None) as batch_op:
        batch_op.drop_index("ix_tallies_series_month")
        batch_op.drop_index("ix_tallies_region")
    op.drop_table("tallies")
    for table in ("city_targets", "city_funding"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_campaign_city_id"))
        op.drop_table(table)
    op.drop_table("city_plans")
    with op.batch_alter_table("campaign_cities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_cities_city_code"))
        batch_op.drop_index(batch_op.f("ix_campaign_cities_campaign_id"))
    op.drop_table("campaign_cities")
    with op.batch_alter_table("campaign_phases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_phases_campaign_id"))
    op.drop_table("campaign_phases")
    op.drop_table("campaigns")
