"""organisation settings; sender and reply-to on queued mail

Revision ID: adopt_1
Revises: 0006
Create Date: 2026-12-06 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'adopt_1'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'organisation_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('mail_sender', sa.String(length=320), nullable=False),
        sa.Column('reply_to', sa.String(length=320), nullable=False),
        sa.Column('welcome_text', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['staff_user.id'], name=op.f('fk_organisation_settings_updated_by_id_staff_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_settings')),
    )
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        # Mail queued before this change keeps the server's sender.
        batch_op.add_column(sa.Column('sender', sa.String(length=320), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('reply_to', sa.String(length=320), nullable=False, server_default=''))

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.alter_column('sender', server_default=None)
        batch_op.alter_column('reply_to', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('reply_to')
        batch_op.drop_column('sender')
    op.drop_table('organisation_settings')
