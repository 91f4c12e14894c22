"""completed questionnaires: a vendor's CAIQ or HECVAT answers, kept as evidence

Revision ID: formats_1
Revises: uploads_1
Create Date: 2026-12-06 21:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision: str = 'formats_1'
down_revision: str | None = 'uploads_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'completed_questionnaire',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('vendor_id', sa.Integer(), nullable=False),
        sa.Column('layout', sa.String(length=40), nullable=False),
        sa.Column('format', sa.String(length=40), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('answers', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_completed_questionnaire_document_id_document'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_completed_questionnaire_vendor_id_vendor'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_completed_questionnaire')),
        sa.UniqueConstraint('document_id', name=op.f('uq_completed_questionnaire_document_id')),
    )
    with op.batch_alter_table('completed_questionnaire', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_completed_questionnaire_vendor_id'), ['vendor_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('completed_questionnaire', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_completed_questionnaire_vendor_id'))
    op.drop_table('completed_questionnaire')
