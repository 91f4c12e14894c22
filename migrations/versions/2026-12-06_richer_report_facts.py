"""report facts: each subservice organisation's services and method, and certificate facts

Revision ID: reading_2
Revises: remediation_1
Create Date: 2026-12-06 23:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'reading_2'
down_revision: str | None = 'remediation_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json_type = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
    with op.batch_alter_table('report_facts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('subservices', json_type, nullable=False, server_default='[]')
        )
        batch_op.add_column(sa.Column('certificate_number', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('certificate_scope', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('certification_body', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('accreditation_body', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('certificate_issued', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('report_facts', schema=None) as batch_op:
        batch_op.drop_column('certificate_issued')
        batch_op.drop_column('accreditation_body')
        batch_op.drop_column('certification_body')
        batch_op.drop_column('certificate_scope')
        batch_op.drop_column('certificate_number')
        batch_op.drop_column('subservices')
