"""reassessment by tier: each vendor's next review date, and the reassessments sent

Revision ID: program_1
Revises: reading_1
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'program_1'
down_revision: str | None = 'reading_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('vendor_review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_review_on', sa.Date(), nullable=True))
        batch_op.create_index(
            batch_op.f('ix_vendor_review_next_review_on'), ['next_review_on'], unique=False
        )

    op.create_table(
        'reassessment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vendor_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('request_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['contact_id'], ['vendor_contact.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('vendor_id', 'due_on'),
    )
    with op.batch_alter_table('reassessment', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_reassessment_vendor_id'), ['vendor_id'], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table('reassessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reassessment_vendor_id'))
    op.drop_table('reassessment')

    with op.batch_alter_table('vendor_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vendor_review_next_review_on'))
        batch_op.drop_column('next_review_on')
