"""requirements per tier and CUECs mapped to our controls: the dashboard's count of missing
requirements, our control catalogue, and the links from vendors' CUECs to it

Revision ID: tiers_1
Revises: reading_2
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'tiers_1'
down_revision: str | None = 'reading_2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('vendor_review', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('missing_requirements', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.create_index(
            batch_op.f('ix_vendor_review_missing_requirements'),
            ['missing_requirements'],
            unique=False,
        )

    op.create_table(
        'control',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('ref', sa.String(length=64), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('owner_email', sa.String(length=320), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('ref'),
    )
    op.create_table(
        'cuec_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vendor_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('cuec_key', sa.String(length=64), nullable=False),
        sa.Column('cuec_text', sa.Text(), nullable=False),
        sa.Column('control_id', sa.Integer(), nullable=False),
        sa.Column('linked_by_id', sa.Integer(), nullable=True),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('in_place', sa.Boolean(), nullable=True),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('checked_on', sa.Date(), nullable=True),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['control_id'], ['control.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['linked_by_id'], ['staff_user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['staff_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('document_id', 'cuec_key'),
    )
    with op.batch_alter_table('cuec_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cuec_link_vendor_id'), ['vendor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cuec_link_control_id'), ['control_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cuec_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cuec_link_control_id'))
        batch_op.drop_index(batch_op.f('ix_cuec_link_vendor_id'))
    op.drop_table('cuec_link')
    op.drop_table('control')
    with op.batch_alter_table('vendor_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vendor_review_missing_requirements'))
        batch_op.drop_column('missing_requirements')
