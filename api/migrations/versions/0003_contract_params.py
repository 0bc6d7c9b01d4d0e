"""contract rule parameters in one JSON column

The eleven parameter columns of ``contract`` become keys of ``contract.params``
(values kept as they are, nulls included), so that a new contract parameter,
declared once in ``planner.domain.Contract``, needs no migration. The downgrade
puts the eleven columns back from the JSON (keys of later parameters are dropped).

Revision ID: 0003_contract_params
Revises: 0002
Create Date: 2026-12-02 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003_contract_params'
down_revision = '0002'
branch_labels = None
depends_on = None

COLUMNS = (
    ('min_hours_per_week', sa.Float()),
    ('max_hours_per_week_avg', sa.Float()),
    ('max_hours_in_week', sa.Float()),
    ('min_minutes_total', sa.Integer()),
    ('max_minutes_total', sa.Integer()),
    ('max_consecutive_days', sa.Integer()),
    ('min_consecutive_days', sa.Integer()),
    ('min_consecutive_days_off', sa.Integer()),
    ('max_weekends', sa.Integer()),
    ('shift_limits', sa.JSON()),
    ('works_public_holidays', sa.Boolean()),
)
"""The columns of revision 0001, as they were."""

_contract = sa.table('contract', sa.column('id', sa.String()), sa.column('params', sa.JSON()),
                     *(sa.column(name, kind) for name, kind in COLUMNS))


def upgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
    conn = op.get_bind()
    names = [name for name, _ in COLUMNS]
    rows = conn.execute(sa.select(_contract.c.id, *(_contract.c[n] for n in names))).all()
    for row in rows:
        params = dict(zip(names, row[1:]))
        params['shift_limits'] = params['shift_limits'] or {}
        params['works_public_holidays'] = bool(params['works_public_holidays'])
        conn.execute(_contract.update().where(_contract.c.id == row[0]).values(params=params))
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.alter_column('params', existing_type=sa.JSON(), nullable=False)
        for name in names:
            batch_op.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table('contract', schema=None) as batch_op:
        for name, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    conn = op.get_bind()
    for cid, params in conn.execute(sa.select(_contract.c.id, _contract.c.params)).all():
        values = {name: (params or {}).get(name) for name, _ in COLUMNS}
        values['works_public_holidays'] = bool(values['works_public_holidays'])
        conn.execute(_contract.update().where(_contract.c.id == cid).values(**values))
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.alter_column('works_public_holidays', existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column('params')
