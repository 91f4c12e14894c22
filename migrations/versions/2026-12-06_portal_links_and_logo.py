"""portal links and logo: reminder and replaced links beside each request's current one; the organisation's logo

Revision ID: links_1
Revises: harden_2
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'links_1'
down_revision: str | None = 'harden_2'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'portal_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ['request_id'], ['questionnaire_request.id'], ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('portal_link', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_portal_link_request_id'), ['request_id'], unique=False
        )

    with op.batch_alter_table('organisation_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('logo_sha256', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('logo_type', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('organisation_settings', schema=None) as batch_op:
        batch_op.drop_column('logo_type')
        batch_op.drop_column('logo_sha256')
        batch_op.drop_column('logo_key')

    with op.batch_alter_table('portal_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_link_request_id'))
    op.drop_table('portal_link')
