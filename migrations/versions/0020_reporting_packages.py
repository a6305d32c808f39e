"""packages of certificate records reported upward

Revision ID: 0020_reporting_packages
Revises: 0019_oversight
"""
from alembic import op
import sqlalchemy as sa

revision = "0020_reporting_packages"
down_revision = "0019_oversight"
branch_labels = None
depends_on = None

PACKAGE_KINDS = sa.Enum("full", "delta", name="packagekind", native_enum=False, length=32)
REGION_KINDS = sa.Enum("city", "province", name="regionkind", native_enum=False, length=32)
STATUSES = sa.Enum("valid", "revoked", name="certificatestatus", native_enum=False, length=32)
CHANGES = sa.Enum("new", "changed", "revoked", "unchanged", name="rowchange", native_enum=False, length=32)


def upgrade():
    op.create_table(
        "report_packages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=4), nullable=False),
        sa.Column("region_kind", REGION_KINDS, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("kind", PACKAGE_KINDS, nullable=False),
        sa.Column("since_package_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("archive_sealed", sa.Text(), nullable=False),
        sa.CheckConstraint("period_end >= period_start", name=op.f("ck_report_packages_period_ordered")),
        sa.CheckConstraint("(kind = 'delta') = (since_package_id IS NOT NULL)",
                           name=op.f("ck_report_packages_delta_names_its_base")),
        sa.CheckConstraint("(region_kind = 'city') = (length(region_code) = 4)",
                           name=op.f("ck_report_packages_region_matches_kind")),
        sa.CheckConstraint("record_count >= 0", name=op.f("ck_report_packages_count_not_negative")),
        sa.ForeignKeyConstraint(["since_package_id"], ["report_packages.id"],
                                name=op.f("fk_report_packages_since_package_id_report_packages")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_report_packages_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_packages")),
    )
    with op.batch_alter_table("report_packages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_packages_region_code"), ["region_code"], unique=False)

    op.create_table(
        "reported_certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", STATUSES, nullable=False),
        sa.Column("change", CHANGES, nullable=False),
        sa.ForeignKeyConstraint(["package_id"], ["report_packages.id"],
                                name=op.f("fk_reported_certificates_package_id_report_packages")),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"],
                                name=op.f("fk_reported_certificates_certificate_id_certificates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reported_certificates")),
        sa.UniqueConstraint("package_id", "certificate_id",
                            name=op.f("uq_reported_certificates_package_id_certificate_id")),
    )
    with op.batch_alter_table("reported_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reported_certificates_certificate_id"), ["certificate_id"], unique=False)


def downgrade():
    with op.batch_alter_table("reported_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reported_certificates_certificate_id"))
    op.drop_table("reported_certificates")
    with op.batch_alter_table("report_packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_packages_region_code"))
    op.drop_table("report_packages")
