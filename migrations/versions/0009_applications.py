"""applications and sessions, result outcomes and corrections, historic certificates, the appraiser of an approval

The appraisal road (GitHub issue 14, items 3-5): appraisal sessions, applications (申报) with their review, the
corrections of recorded results; an appraisal result's outcome (passed / failed / incomplete / voided, filled
from `passed` for the rows already there), its application, session and the clause met; a certificate's
historic flag and evidence; the institution that holds an approved promotion's sitting.

Sibling of 0007 and 0008 on 0006; `flask db upgrade heads` runs them all.

Revision ID: 0009_applications
Revises: 0008_competition_rules
Create Date: 2026-12-06 21:20:26.299674
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_applications'
down_revision = '0008_competition_rules'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('appraisal_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('occupation_id', sa.Integer(), nullable=False),
    sa.Column('levels', sa.JSON(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('site', sa.String(length=200), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'closed', name='sessionstate', native_enum=False, length=32), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity BETWEEN 1 AND 10000', name=op.f('ck_appraisal_sessions_capacity_in_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_appraisal_sessions_created_by_id_users')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_appraisal_sessions_institution_id_institutions')),
    sa.ForeignKeyConstraint(['occupation_id'], ['occupations.id'], name=op.f('fk_appraisal_sessions_occupation_id_occupations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_sessions'))
    )
    with op.batch_alter_table('appraisal_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_appraisal_sessions_institution_held', ['institution_id', 'held_on'], unique=False)

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('occupation_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('route', sa.Enum('regular', 'exceptional', name='applicationroute', native_enum=False, length=32), nullable=False),
    sa.Column('promotion_request_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('submitted', 'approved', 'refused', 'seated', 'passed', 'failed', 'incomplete', 'closed', name='applicationstate', native_enum=False, length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rule_set', sa.String(length=32), nullable=True),
    sa.Column('matched_clause', sa.String(length=64), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=True),
    sa.Column('closed_reason', sa.Text(), nullable=True),
    sa.Column('retake_until', sa.Date(), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(route = 'exceptional') = (promotion_request_id IS NOT NULL)", name=op.f('ck_applications_exceptional_iff_approval')),
    sa.CheckConstraint("(state = 'refused') = (refusal_reason IS NOT NULL)", name=op.f('ck_applications_refusal_has_reason')),
    sa.CheckConstraint("state <> 'closed' OR closed_reason IS NOT NULL", name=op.f('ck_applications_closing_has_reason')),
    sa.CheckConstraint("state <> 'seated' OR session_id IS NOT NULL", name=op.f('ck_applications_seated_in_a_session')),
    sa.CheckConstraint('(reviewed_at IS NULL) = (reviewed_by_id IS NULL)', name=op.f('ck_applications_reviewed_by_iff_reviewed')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_applications_version_positive')),
    sa.ForeignKeyConstraint(['institution_id'], ['institutions.id'], name=op.f('fk_applications_institution_id_institutions')),
    sa.ForeignKeyConstraint(['occupation_id'], ['occupations.id'], name=op.f('fk_applications_occupation_id_occupations')),
    sa.ForeignKeyConstraint(['promotion_request_id'], ['promotion_requests.id'], name=op.f('fk_applications_promotion_request_id_promotion_requests')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_applications_reviewed_by_id_users')),
    sa.ForeignKeyConstraint(['session_id'], ['appraisal_sessions.id'], name=op.f('fk_applications_session_id_appraisal_sessions')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_applications_submitted_by_id_users')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_applications_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('promotion_request_id', name=op.f('uq_applications_promotion_request_id'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index('ix_applications_institution_state', ['institution_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_applications_worker_id'), ['worker_id'], unique=False)

    op.create_table('certificate_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=40), nullable=False),
    sa.Column('original_name', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_certificate_evidence_not_empty')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_evidence_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_certificate_evidence_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_certificate_evidence_stored_name'))
    )
    with op.batch_alter_table('certificate_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_evidence_certificate_id'), ['certificate_id'], unique=False)

    op.create_table('result_corrections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('result_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('corrected', 'voided', 'completed', name='correctionkind', native_enum=False, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('theory_before', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('practical_before', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('review_before', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('outcome_before', sa.String(length=16), nullable=False),
    sa.Column('theory_after', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('practical_after', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('review_after', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('outcome_after', sa.String(length=16), nullable=False),
    sa.Column('revoked_certificate_id', sa.Integer(), nullable=True),
    sa.Column('issued_certificate_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'completed' OR reason IS NOT NULL", name=op.f('ck_result_corrections_changes_have_reasons')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_result_corrections_actor_id_users')),
    sa.ForeignKeyConstraint(['issued_certificate_id'], ['certificates.id'], name=op.f('fk_result_corrections_issued_certificate_id_certificates')),
    sa.ForeignKeyConstraint(['result_id'], ['appraisal_results.id'], name=op.f('fk_result_corrections_result_id_appraisal_results')),
    sa.ForeignKeyConstraint(['revoked_certificate_id'], ['certificates.id'], name=op.f('fk_result_corrections_revoked_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_result_corrections'))
    )
    with op.batch_alter_table('result_corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_result_corrections_result_id'), ['result_id'], unique=False)

    with op.batch_alter_table('appraisal_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome', sa.Enum('passed', 'failed', 'incomplete', 'voided', name='sittingoutcome', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('application_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('matched_rules', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('matched_clause', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_appraisal_results_application_id'), ['application_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_results_session_id'), ['session_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_appraisal_results_session_id_appraisal_sessions'), 'appraisal_sessions', ['session_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_appraisal_results_application_id_applications'), 'applications', ['application_id'], ['id'])

    # Results recorded before: a pass is passed, anything else failed (a missing review failed them then).
    op.execute("UPDATE appraisal_results SET outcome = CASE WHEN passed THEN 'passed' ELSE 'failed' END")
    with op.batch_alter_table('appraisal_results', schema=None) as batch_op:
        batch_op.alter_column('outcome', existing_type=sa.Enum('passed', 'failed', 'incomplete', 'voided', name='sittingoutcome', native_enum=False, length=32), nullable=False)
        batch_op.create_check_constraint(batch_op.f('ck_appraisal_results_passed_iff_outcome'), "passed = (outcome = 'passed')")

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_historic', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('promotion_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('appraiser_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_promotion_requests_appraiser_id'), ['appraiser_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_promotion_requests_appraiser_id_institutions'), 'institutions', ['appraiser_id'], ['id'])



def downgrade():
    with op.batch_alter_table('promotion_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_promotion_requests_appraiser_id_institutions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_promotion_requests_appraiser_id'))
        batch_op.drop_column('appraiser_id')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('is_historic')

    with op.batch_alter_table('appraisal_results', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appraisal_results_passed_iff_outcome'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_appraisal_results_application_id_applications'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_appraisal_results_session_id_appraisal_sessions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_appraisal_results_session_id'))
        batch_op.drop_index(batch_op.f('ix_appraisal_results_application_id'))
        batch_op.drop_column('matched_clause')
        batch_op.drop_column('matched_rules')
        batch_op.drop_column('session_id')
        batch_op.drop_column('application_id')
        batch_op.drop_column('outcome')

    with op.batch_alter_table('result_corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_result_corrections_result_id'))

    op.drop_table('result_corrections')
    with op.batch_alter_table('certificate_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_evidence_certificate_id'))

    op.drop_table('certificate_evidence')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_worker_id'))
        batch_op.drop_index(batch_op.f('ix_applications_session_id'))
        batch_op.drop_index('ix_applications_institution_state')

    op.drop_table('applications')
    with op.batch_alter_table('appraisal_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_appraisal_sessions_institution_held')

    op.drop_table('appraisal_sessions')
