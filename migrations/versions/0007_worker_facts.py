"""worker facts: who vouches for a work period or a diploma, corrections kept as rows, apprenticeships,
professional titles, and the institution that registered a worker

GitHub issue 14, items 1 and 2. Work periods and diplomas gain their lifecycle (attested or the worker's
unverified claim; current, superseded by a correction, or withdrawn); the rows already there were written by
the system and stay attested and current. Work periods also name their employer in the registry and the
occupation they count towards as a related one. Apprenticeships (企业新型学徒制) and professional titles are new.
A worker keeps the institution whose staff registered them, filled from the audit trail for those already
registered.

Sibling of 0008 and 0009 on 0006; `flask db upgrade heads` runs them all.

Revision ID: 0007_worker_facts
Revises: 0006
Create Date: 2026-12-07 10:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_worker_facts'
down_revision = '0006'
branch_labels = None
depends_on = None

ATTESTATION = sa.Enum('attested', 'unverified', name='attestation', native_enum=False, length=32)
FACT_STATE = sa.Enum('current', 'superseded', 'withdrawn', name='factstate', native_enum=False, length=32)
LIFECYCLE_FKS = (('recorded_by_id', 'users'), ('recorded_by_institution_id', 'institutions'),
                 ('attested_by_id', 'users'), ('attested_by_institution_id', 'institutions'),
                 ('ended_by_id', 'users'), ('import_job_id', 'import_jobs'))


def _lifecycle_columns(*, server_defaults: bool = False) -> list[sa.Column]:
    """The columns every fact table shares (credentials.models.worker_facts.FactLifecycle)."""
    fill = {'server_default': sa.text("'attested'")} if server_defaults else {}
    current = {'server_default': sa.text("'current'")} if server_defaults else {}
    return [
        sa.Column('attestation', ATTESTATION, nullable=False, **fill),
        sa.Column('state', FACT_STATE, nullable=False, **current),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by_institution_id', sa.Integer(), nullable=True),
        sa.Column('attested_by_id', sa.Integer(), nullable=True),
        sa.Column('attested_by_institution_id', sa.Integer(), nullable=True),
        sa.Column('attested_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawal_reason', sa.String(length=200), nullable=True),
        sa.Column('import_job_id', sa.Integer(), nullable=True),
        sa.Column('replaces_id', sa.Integer(), nullable=True),
    ]


def _lifecycle_checks(table: str) -> list[tuple[str, str]]:
    return [
        (f'ck_{table}_attested_iff_dated', "(attestation = 'attested') = (attested_at IS NOT NULL)"),
        (f'ck_{table}_ended_iff_not_current', "(state = 'current') = (ended_at IS NULL)"),
        (f'ck_{table}_reason_only_when_withdrawn', "withdrawal_reason IS NULL OR state = 'withdrawn'"),
    ]


def _lifecycle_constraints(table: str) -> list:
    constraints = [sa.ForeignKeyConstraint([column], [f'{target}.id'], name=op.f(f'fk_{table}_{column}_{target}'))
                   for column, target in LIFECYCLE_FKS]
    constraints.append(sa.ForeignKeyConstraint(['replaces_id'], [f'{table}.id'], name=op.f(f'fk_{table}_replaces_id_{table}')))
    constraints += [sa.CheckConstraint(condition, name=op.f(name)) for name, condition in _lifecycle_checks(table)]
    return constraints


def _add_lifecycle(table: str) -> None:
    """Add the lifecycle to a table that has rows: they were written by the system, attested when written."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in _lifecycle_columns(server_defaults=True):
            batch_op.add_column(column)
    op.execute(sa.text(f"UPDATE {table} SET attested_at = created_at"))  # noqa: S608 - a table name of this file
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.alter_column('attestation', server_default=None, existing_type=ATTESTATION, existing_nullable=False)
        batch_op.alter_column('state', server_default=None, existing_type=FACT_STATE, existing_nullable=False)
        for column, target in LIFECYCLE_FKS:
            batch_op.create_foreign_key(op.f(f'fk_{table}_{column}_{target}'), target, [column], ['id'])
        batch_op.create_foreign_key(op.f(f'fk_{table}_replaces_id_{table}'), table, ['replaces_id'], ['id'])
        for name, condition in _lifecycle_checks(table):
            batch_op.create_check_constraint(op.f(name), condition)
        batch_op.create_index(batch_op.f(f'ix_{table}_import_job_id'), ['import_job_id'], unique=False)


def _drop_lifecycle(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f'ix_{table}_import_job_id'))
        for name, _condition in _lifecycle_checks(table):
            batch_op.drop_constraint(op.f(name), type_='check')
        batch_op.drop_constraint(op.f(f'fk_{table}_replaces_id_{table}'), type_='foreignkey')
        for column, target in LIFECYCLE_FKS:
            batch_op.drop_constraint(op.f(f'fk_{table}_{column}_{target}'), type_='foreignkey')
        for column in reversed(_lifecycle_columns()):
            batch_op.drop_column(column.name)


def upgrade():
    _add_lifecycle('work_periods')
    with op.batch_alter_table('work_periods', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('employer_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_work_periods_related_to_id_occupations'), 'occupations', ['related_to_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_work_periods_employer_id_institutions'), 'institutions', ['employer_id'], ['id'])
        batch_op.create_check_constraint(op.f('ck_work_periods_related_is_another'),
                                         'related_to_id IS NULL OR related_to_id <> occupation_id')
    _add_lifecycle('diplomas')

    op.create_table('apprenticeships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_name', sa.String(length=128), nullable=True),
    sa.Column('occupation_id', sa.Integer(), nullable=False),
    sa.Column('target_level', sa.String(length=32), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('completed', sa.Boolean(), nullable=False),
    *_lifecycle_columns(),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on', name=op.f('ck_apprenticeships_dates_ordered')),
    sa.CheckConstraint('NOT completed OR ended_on IS NOT NULL', name=op.f('ck_apprenticeships_completed_has_end')),
    sa.CheckConstraint('enterprise_id IS NOT NULL OR enterprise_name IS NOT NULL', name=op.f('ck_apprenticeships_enterprise_named')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['institutions.id'], name=op.f('fk_apprenticeships_enterprise_id_institutions')),
    sa.ForeignKeyConstraint(['occupation_id'], ['occupations.id'], name=op.f('fk_apprenticeships_occupation_id_occupations')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_apprenticeships_worker_id_workers')),
    *_lifecycle_constraints('apprenticeships'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apprenticeships'))
    )
    with op.batch_alter_table('apprenticeships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apprenticeships_worker_id'), ['worker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_apprenticeships_import_job_id'), ['import_job_id'], unique=False)

    op.create_table('professional_titles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=32), nullable=False),
    sa.Column('grade', sa.String(length=32), nullable=False),
    sa.Column('obtained_on', sa.Date(), nullable=False),
    sa.Column('issuer_name', sa.String(length=128), nullable=True),
    *_lifecycle_columns(),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_professional_titles_worker_id_workers')),
    *_lifecycle_constraints('professional_titles'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_titles'))
    )
    with op.batch_alter_table('professional_titles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_titles_worker_id'), ['worker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_professional_titles_import_job_id'), ['import_job_id'], unique=False)

    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_by_institution_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_workers_registered_by_institution_id'), ['registered_by_institution_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_workers_registered_by_institution_id_institutions'), 'institutions', ['registered_by_institution_id'], ['id'])
    # Who registered the workers already there: the staff account behind their "worker.registered" event.
    op.execute(sa.text(
        "UPDATE workers SET registered_by_institution_id = ("
        " SELECT MIN(users.institution_id) FROM audit_events JOIN users ON users.id = audit_events.actor_id"
        " WHERE audit_events.action = 'worker.registered' AND audit_events.entity_type = 'worker'"
        " AND audit_events.entity_id = CAST(workers.id AS VARCHAR(64)))"))


def downgrade():
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_workers_registered_by_institution_id_institutions'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_workers_registered_by_institution_id'))
        batch_op.drop_column('registered_by_institution_id')

    with op.batch_alter_table('professional_titles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professional_titles_import_job_id'))
        batch_op.drop_index(batch_op.f('ix_professional_titles_worker_id'))
    op.drop_table('professional_titles')
    with op.batch_alter_table('apprenticeships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apprenticeships_import_job_id'))
        batch_op.drop_index(batch_op.f('ix_apprenticeships_worker_id'))
    op.drop_table('apprenticeships')

    # Without the lifecycle every row would count: keep only the current, attested ones.
    for table in ('diplomas', 'work_periods'):
        op.execute(sa.text(f"UPDATE {table} SET replaces_id = NULL"))  # noqa: S608 - a table name of this file
        op.execute(sa.text(f"DELETE FROM {table} WHERE state <> 'current' OR attestation <> 'attested'"))  # noqa: S608
    _drop_lifecycle('diplomas')
    with op.batch_alter_table('work_periods', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_work_periods_related_is_another'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_work_periods_employer_id_institutions'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_work_periods_related_to_id_occupations'), type_='foreignkey')
        batch_op.drop_column('employer_id')
        batch_op.drop_column('related_to_id')
    _drop_lifecycle('work_periods')
