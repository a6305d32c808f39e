"""corrections a worker asks for, and superseded credentials

Revision ID: 0014_record_corrections
Revises: 0013_consent_and_access
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_record_corrections"
down_revision = "0013_consent_and_access"
branch_labels = None
depends_on = None

SUBJECTS = ("identity_name", "certificate", "training", "result", "work_period", "diploma", "apprenticeship",
            "title", "missing_record")
STATES = ("open", "accepted", "refused", "withdrawn")


def upgrade():
    op.create_table(
        "correction_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("subject_kind", sa.Enum(*SUBJECTS, name="correctionsubject", native_enum=False, length=32),
                  nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("subject_text", sa.JSON(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=True),
        sa.Column("proposed_value", sa.String(length=200), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("state", sa.Enum(*STATES, name="correctionstate", native_enum=False, length=32), nullable=False),
        sa.Column("responsible_institution_id", sa.Integer(), nullable=True),
        sa.Column("city_code", sa.String(length=4), nullable=False),
        sa.Column("filed_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_reason", sa.Text(), nullable=True),
        sa.Column("resolution", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("(subject_id IS NULL) = (subject_kind IN ('identity_name', 'missing_record'))",
                           name=op.f("ck_correction_requests_subject_id_iff_a_record")),
        sa.CheckConstraint("(state = 'open') = (closed_at IS NULL)",
                           name=op.f("ck_correction_requests_closed_at_iff_closed")),
        sa.CheckConstraint("(closed_at IS NULL) = (closed_by_id IS NULL)",
                           name=op.f("ck_correction_requests_closed_by_iff_closed")),
        sa.CheckConstraint("state <> 'refused' OR resolution_reason IS NOT NULL",
                           name=op.f("ck_correction_requests_refusal_has_reason")),
        sa.CheckConstraint("(state = 'accepted') = (resolution IS NOT NULL)",
                           name=op.f("ck_correction_requests_resolution_iff_accepted")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_correction_requests_version_positive")),
        sa.ForeignKeyConstraint(["city_code"], ["cities.code"], name=op.f("fk_correction_requests_city_code_cities")),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_correction_requests_closed_by_id_users")),
        sa.ForeignKeyConstraint(["filed_by_id"], ["users.id"], name=op.f("fk_correction_requests_filed_by_id_users")),
        sa.ForeignKeyConstraint(["responsible_institution_id"], ["institutions.id"],
                                name=op.f("fk_correction_requests_responsible_institution_id_institutions")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_correction_requests_worker_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_requests")),
    )
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.create_index("ix_correction_requests_queue",
                              ["state", "responsible_institution_id", "city_code", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_correction_requests_responsible_institution_id"),
                              ["responsible_institution_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_correction_requests_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "correction_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=40), nullable=False),
        sa.Column("original_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_correction_evidence_not_empty")),
        sa.ForeignKeyConstraint(["request_id"], ["correction_requests.id"],
                                name=op.f("fk_correction_evidence_request_id_correction_requests")),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_correction_evidence_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_evidence")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_correction_evidence_stored_name")),
    )
    with op.batch_alter_table("correction_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_correction_evidence_request_id"), ["request_id"], unique=False)

    op.create_table(
        "correction_evidence_blobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["evidence_id"], ["correction_evidence.id"],
                                name=op.f("fk_correction_evidence_blobs_evidence_id_correction_evidence")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_evidence_blobs")),
        sa.UniqueConstraint("evidence_id", name=op.f("uq_correction_evidence_blobs_evidence_id")),
    )

    op.create_table(
        "record_amendments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("action IN ('corrected', 'voided', 'holder_merged')",
                           name=op.f("ck_record_amendments_known_action")),
        sa.CheckConstraint("action = 'voided' OR after IS NOT NULL",
                           name=op.f("ck_record_amendments_correction_has_after")),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_record_amendments_actor_id_users")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_record_amendments_worker_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_amendments")),
    )
    with op.batch_alter_table("record_amendments", schema=None) as batch_op:
        batch_op.create_index("ix_record_amendments_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_amendments_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "superseded_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("status_list_index", sa.Integer(), nullable=False),
        sa.Column("amendment_id", sa.Integer(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["amendment_id"], ["record_amendments.id"],
                                name=op.f("fk_superseded_credentials_amendment_id_record_amendments")),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"],
                                name=op.f("fk_superseded_credentials_certificate_id_certificates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_superseded_credentials")),
        sa.UniqueConstraint("status_list_index", name=op.f("uq_superseded_credentials_status_list_index")),
    )
    with op.batch_alter_table("superseded_credentials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_superseded_credentials_certificate_id"), ["certificate_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("superseded_credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_superseded_credentials_certificate_id"))
    op.drop_table("superseded_credentials")
    with op.batch_alter_table("record_amendments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_amendments_worker_id"))
        batch_op.drop_index("ix_record_amendments_entity")
    op.drop_table("record_amendments")
    op.drop_table("correction_evidence_blobs")
    with op.batch_alter_table("correction_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_evidence_request_id"))
    op.drop_table("correction_evidence")
    with op.batch_alter_table("correction_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correction_requests_worker_id"))
        batch_op.drop_index(batch_op.f("ix_correction_requests_responsible_institution_id"))
        batch_op.drop_index("ix_correction_requests_queue")
    op.drop_table("correction_requests")
