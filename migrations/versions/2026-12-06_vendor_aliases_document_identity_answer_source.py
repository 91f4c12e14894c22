"""vendor aliases, document identity, answer source document

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 06:44:33.117771
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_document_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_answer_source_document_id_document'), 'document', ['source_document_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('identity', sa.String(length=16), nullable=True))

    with op.batch_alter_table('vendor', schema=None) as batch_op:
        # Existing vendors start with no aliases; the default exists only for them.
        batch_op.add_column(sa.Column('aliases', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False, server_default=sa.text("'[]'")))

    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.alter_column('aliases', server_default=None)



def downgrade() -> None:
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.drop_column('aliases')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('identity')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_answer_source_document_id_document'), type_='foreignkey')
        batch_op.drop_column('source_document_id')

