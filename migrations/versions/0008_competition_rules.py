"""competition rules a bureau enters from its own notice

A versioned reward rule per city or province (`competition_rules`), and the rule a competition names, the
rule a result was judged under and the rule a proposal was made under; when an enterprise contest last
applied for the government plan (it waits in the city's work queue since then).

Revision ID: 0008_competition_rules
Revises: 0007_worker_facts
"""
from alembic import op
import sqlalchemy as sa


revision = "0008_competition_rules"
down_revision = "0007_worker_facts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "competition_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("document_number", sa.String(length=100), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("city_code", sa.String(length=4), nullable=True),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("rewards", sa.JSON(), nullable=False),
        sa.Column("max_promotions_per_year", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from",
                           name=op.f("ck_competition_rules_dates_ordered")),
        sa.CheckConstraint("max_promotions_per_year IS NULL OR max_promotions_per_year >= 1",
                           name=op.f("ck_competition_rules_yearly_limit_positive")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_competition_rules_version_positive")),
        sa.CheckConstraint("(version = 1) = (replaces_id IS NULL)",
                           name=op.f("ck_competition_rules_later_versions_replace_one")),
        sa.ForeignKeyConstraint(["city_code"], ["cities.code"], name=op.f("fk_competition_rules_city_code_cities")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_competition_rules_created_by_id_users")),
        sa.ForeignKeyConstraint(["province_code"], ["provinces.code"],
                                name=op.f("fk_competition_rules_province_code_provinces")),
        sa.ForeignKeyConstraint(["replaces_id"], ["competition_rules.id"],
                                name=op.f("fk_competition_rules_replaces_id_competition_rules")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competition_rules")),
        sa.UniqueConstraint("replaces_id", name=op.f("uq_competition_rules_replaces_id")),
    )
    with op.batch_alter_table("competition_rules", schema=None) as batch_op:
        batch_op.create_index("ix_competition_rules_region", ["province_code", "city_code"], unique=False)

    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plan_applied_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_competitions_rule_id_competition_rules"),
                                    "competition_rules", ["rule_id"], ["id"])

    with op.batch_alter_table("competition_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_competition_results_rule_id"), ["rule_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_competition_results_rule_id_competition_rules"),
                                    "competition_rules", ["rule_id"], ["id"])

    with op.batch_alter_table("competition_promotions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rule_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_competition_promotions_rule_id"), ["rule_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_competition_promotions_rule_id_competition_rules"),
                                    "competition_rules", ["rule_id"], ["id"])


def downgrade():
    with op.batch_alter_table("competition_promotions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_competition_promotions_rule_id_competition_rules"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_competition_promotions_rule_id"))
        batch_op.drop_column("rule_id")

    with op.batch_alter_table("competition_results", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_competition_results_rule_id_competition_rules"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_competition_results_rule_id"))
        batch_op.drop_column("rule_id")

    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_competitions_rule_id_competition_rules"), type_="foreignkey")
        batch_op.drop_column("rule_id")
        batch_op.drop_column("plan_applied_at")

    with op.batch_alter_table("competition_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_competition_rules_region")

    op.drop_table("competition_rules")
