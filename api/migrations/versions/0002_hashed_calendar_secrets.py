"""calendar-feed secrets stored as SHA-256 digests

Each existing clear secret (``app_user.ical_token``) becomes its digest
(``ical_digest``), so every subscription URL handed out before keeps working;
``ical_created_at`` records when a secret was made (null for the converted ones:
that time was never recorded).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 05:10:00
"""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.tables


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_users = sa.table(
    'app_user',
    sa.column('id', sa.Integer()),
    sa.column('ical_token', sa.String()),
    sa.column('ical_digest', sa.String()),
)


def upgrade() -> None:
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ical_digest', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=True))
        batch_op.add_column(sa.Column('ical_created_at', api.tables.UTCDateTime(), nullable=True))
    conn = op.get_bind()
    for uid, token in conn.execute(sa.select(_users.c.id, _users.c.ical_token)).all():
        digest = hashlib.sha256(token.encode()).hexdigest() if token else None
        conn.execute(_users.update().where(_users.c.id == uid).values(ical_digest=digest))
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_ical_token'))
        batch_op.drop_column('ical_token')
        batch_op.create_index(batch_op.f('ix_app_user_ical_digest'), ['ical_digest'], unique=True)


def downgrade() -> None:
    # a digest cannot be turned back into its secret: every user gets a fresh one
    # (their old calendar URLs stop working)
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ical_token', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=True))
    conn = op.get_bind()
    for (uid,) in conn.execute(sa.select(_users.c.id)).all():
        conn.execute(_users.update().where(_users.c.id == uid)
                     .values(ical_token=secrets.token_urlsafe(24)))
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_user_ical_digest'))
        batch_op.drop_column('ical_created_at')
        batch_op.drop_column('ical_digest')
        batch_op.alter_column('ical_token', existing_type=sqlmodel.sql.sqltypes.AutoString(),
                              nullable=False)
        batch_op.create_index(batch_op.f('ix_app_user_ical_token'), ['ical_token'], unique=True)
