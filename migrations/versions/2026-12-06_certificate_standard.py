"""report facts: the standard and edition a certificate certifies

Revision ID: reading_1
Revises: harden_1
Create Date: 2026-12-06 21:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'reading_1'
down_revision: str | None = 'harden_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('report_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standard', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report_facts', schema=None) as batch_op:
        batch_op.drop_column('standard')
