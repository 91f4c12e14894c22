"""trust center: where a vendor publishes its reports, and the provenance of a document

Revision ID: ai_1
Revises: formats_1
Create Date: 2026-12-06 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'ai_1'
down_revision: str | None = 'formats_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('source_terms', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('source_obtained_on', sa.Date(), nullable=True))

    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trust_center_url', sa.String(length=2000), nullable=True))
        batch_op.add_column(sa.Column('trust_center_terms', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.drop_column('trust_center_terms')
        batch_op.drop_column('trust_center_url')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('source_obtained_on')
        batch_op.drop_column('source_terms')
        batch_op.drop_column('source_url')
