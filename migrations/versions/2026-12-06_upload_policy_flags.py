"""upload policy: active-content flags and quarantined documents

Revision ID: uploads_1
Revises: 0006
Create Date: 2026-12-06 20:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'uploads_1'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        # Documents stored before the policy carry no flags; the default exists only for them.
        batch_op.add_column(sa.Column('active_content', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('malware_signature', sa.String(length=200), nullable=True))

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.alter_column('active_content', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('malware_signature')
        batch_op.drop_column('active_content')
