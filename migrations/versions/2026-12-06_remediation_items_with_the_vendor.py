"""remediation with the vendor: items, their owner, due date and status, and their history

Revision ID: remediation_1
Revises: links_1
Create Date: 2026-12-06 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'remediation_1'
down_revision: str | None = 'links_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('remediation_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=False),
    sa.Column('finding_code', sa.String(length=64), nullable=True),
    sa.Column('finding_ref', sa.Text(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('required_change', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('accepted_reason', sa.Text(), nullable=False),
    sa.Column('accepted_until', sa.Date(), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['staff_user.id'], name=op.f('fk_remediation_item_accepted_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_remediation_item_created_by_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_remediation_item_decision_id_decision'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['staff_user.id'], name=op.f('fk_remediation_item_owner_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendor.id'], name=op.f('fk_remediation_item_vendor_id_vendor'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remediation_item'))
    )
    with op.batch_alter_table('remediation_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remediation_item_accepted_until'), ['accepted_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_remediation_item_status'), ['status'], unique=False)
        batch_op.create_index('ix_remediation_item_vendor_status_due', ['vendor_id', 'status', 'due_on'], unique=False)

    op.create_table('remediation_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=True),
    sa.Column('status_from', sa.String(length=24), nullable=True),
    sa.Column('status_to', sa.String(length=24), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['staff_user.id'], name=op.f('fk_remediation_entry_author_id_staff_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_remediation_entry_document_id_document'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['item_id'], ['remediation_item.id'], name=op.f('fk_remediation_entry_item_id_remediation_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remediation_entry'))
    )
    with op.batch_alter_table('remediation_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remediation_entry_item_id'), ['item_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('remediation_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remediation_entry_item_id'))

    op.drop_table('remediation_entry')
    with op.batch_alter_table('remediation_item', schema=None) as batch_op:
        batch_op.drop_index('ix_remediation_item_vendor_status_due')
        batch_op.drop_index(batch_op.f('ix_remediation_item_status'))
        batch_op.drop_index(batch_op.f('ix_remediation_item_accepted_until'))

    op.drop_table('remediation_item')
