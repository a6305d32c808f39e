"""links with which a worker shares chosen certificates

Revision ID: 0012_share_links
Revises: 0011_worker_activations
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_share_links"
down_revision = "0011_worker_activations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_sealed", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("view_count", sa.Integer(), nullable=False),
        sa.Column("last_viewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("expires_at > created_at", name=op.f("ck_share_links_expires_after_creation")),
        sa.CheckConstraint("view_count >= 0", name=op.f("ck_share_links_views_counted_up")),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_share_links_worker_id_workers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_links_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "share_link_certificates",
        sa.Column("share_link_id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"],
                                name=op.f("fk_share_link_certificates_certificate_id_certificates")),
        sa.ForeignKeyConstraint(["share_link_id"], ["share_links.id"],
                                name=op.f("fk_share_link_certificates_share_link_id_share_links")),
        sa.PrimaryKeyConstraint("share_link_id", "certificate_id", name=op.f("pk_share_link_certificates")),
    )
    with op.batch_alter_table("share_link_certificates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_link_certificates_certificate_id"), ["certificate_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("share_link_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_link_certificates_certificate_id"))
    op.drop_table("share_link_certificates")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_links_worker_id"))
    op.drop_table("share_links")
