"""Second-factor secrets sealed at rest: existing plain secrets are encrypted in place

Revision ID: harden_2
Revises: program_1
Create Date: 2026-12-06 23:00:00.000000

The keys are those of the running installation (DILIGENCE_STORAGE_KEY, or the development
key), read only when there is a secret to seal or open.
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

from app.auth.totp_secrets import seal, unseal
from app.core.config import get_settings
from app.core.keys import encryption_keys

revision: str = 'harden_2'
down_revision: str | None = 'program_1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_users = sa.table(
    'staff_user',
    sa.column('id', sa.Integer),
    sa.column('totp_secret', sa.String),
    sa.column('totp_secret_sealed', sa.String),
)


def _convert(source: str, target: str, change: Callable[[list[bytes], int, str], str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(_users.c.id, _users.c[source]).where(_users.c[source].is_not(None))
    ).all()
    if not rows:
        return
    keys = encryption_keys(get_settings())
    for user_id, value in rows:
        bind.execute(
            _users.update()
            .where(_users.c.id == user_id)
            .values({target: change(keys, user_id, value)})
        )


def upgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret_sealed', sa.String(length=160), nullable=True))
    _convert('totp_secret', 'totp_secret_sealed', seal)
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('totp_secret')


def downgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
    _convert('totp_secret_sealed', 'totp_secret', unseal)
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('totp_secret_sealed')
