"""organisation settings; sender and reply-to on queued mail; one-time password links

Revision ID: adopt_1
Revises: ai_1
Create Date: 2026-12-06 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'adopt_1'
down_revision: str | None = 'ai_1'
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
    op.create_table(
        'password_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_password_link_created_by_id_staff_user'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_password_link_user_id_staff_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_password_link_token_hash')),
    )
    with op.batch_alter_table('password_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_link_user_id'), ['user_id'], unique=False)

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
    with op.batch_alter_table('password_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_link_user_id'))
    op.drop_table('password_link')
    op.drop_table('organisation_settings')
