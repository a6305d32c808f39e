"""programmes: training bases, masters' studios, technician cohorts, special allowances

Revision ID: 0018_programmes
Revises: 0017_campaigns
"""
from alembic import op
import sqlalchemy as sa

revision = "0018_programmes"
down_revision = "0017_campaigns"
branch_labels = None
depends_on = None


def _enum(*values: str, name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade():
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("training_base", "masters_studio", "technician_cohort", "special_allowance",
                                name="programmekind"), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tier", _enum("national", "provincial", "city", name="programmetier"), nullable=False),
        sa.Column("city_code", sa.String(length=4), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=True),
        sa.Column("occupation_id", sa.Integer(), nullable=True),
        sa.Column("target_level", sa.String(length=32), nullable=True),
        sa.Column("batch", sa.String(length=64), nullable=True),
        sa.Column("recognised_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(kind = 'technician_cohort') = (target_level IS NOT NULL)",
                           name=op.f("ck_programmes_target_iff_cohort")),
        sa.CheckConstraint("kind <> 'technician_cohort' OR occupation_id IS NOT NULL",
                           name=op.f("ck_programmes_cohort_has_occupation")),
        sa.CheckConstraint("kind NOT IN ('training_base', 'technician_cohort') OR institution_id IS NOT NULL",
                           name=op.f("ck_programmes_held_at_an_institution")),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= recognised_on", name=op.f("ck_programmes_dates_ordered")),
        sa.ForeignKeyConstraint(["city_code"], ["cities.code"], name=op.f("fk_programmes_city_code_cities")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_programmes_created_by_id_users")),
        sa.ForeignKeyConstraint(["institution_id"], ["institutions.id"],
                                name=op.f("fk_programmes_institution_id_institutions")),
        sa.ForeignKeyConstraint(["occupation_id"], ["occupations.id"],
                                name=op.f("fk_programmes_occupation_id_occupations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
    )
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.create_index("ix_programmes_city_kind", ["city_code", "kind", "tier"], unique=False)
        batch_op.create_index(batch_op.f("ix_programmes_institution_id"), ["institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programmes_recognised_on"), ["recognised_on"], unique=False)

    op.create_table(
        "programme_fundings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("source", _enum("central_finance", "provincial_finance", "city_finance", "employment_fund",
                                  "high_skill_fund", "education_surcharge", "enterprise_fund", "other",
                                  name="fundingsource"), nullable=False),
        sa.Column("granted_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_programme_fundings_amount_positive")),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_programme_fundings_programme_id_programmes")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_programme_fundings_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_fundings")),
    )
    with op.batch_alter_table("programme_fundings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_fundings_programme_id"), ["programme_id"], unique=False)

    op.create_table(
        "programme_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("role", _enum("master", "apprentice", "trainee", "recipient", name="memberrole"), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on",
                           name=op.f("ck_programme_members_dates_ordered")),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"], name=op.f("fk_programme_members_added_by_id_users")),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_programme_members_programme_id_programmes")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_programme_members_worker_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_members")),
        sa.UniqueConstraint("programme_id", "worker_id", "role", "started_on", name="one_entry_per_start"),
    )
    with op.batch_alter_table("programme_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_members_programme_id"), ["programme_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_members_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "programme_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", _enum("problem_solved", "process_improvement", "patent", name="resultkind"), nullable=False),
        sa.Column("achieved_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["programme_id"], ["programmes.id"],
                                name=op.f("fk_programme_results_programme_id_programmes")),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_programme_results_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_results")),
    )
    with op.batch_alter_table("programme_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_results_programme_id"), ["programme_id"], unique=False)


def downgrade():
    with op.batch_alter_table("programme_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_results_programme_id"))
    op.drop_table("programme_results")
    with op.batch_alter_table("programme_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_members_worker_id"))
        batch_op.drop_index(batch_op.f("ix_programme_members_programme_id"))
    op.drop_table("programme_members")
    with op.batch_alter_table("programme_fundings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_fundings_programme_id"))
    op.drop_table("programme_fundings")
    with op.batch_alter_table("programmes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programmes_recognised_on"))
        batch_op.drop_index(batch_op.f("ix_programmes_institution_id"))
        batch_op.drop_index("ix_programmes_city_kind")
    op.drop_table("programmes")
