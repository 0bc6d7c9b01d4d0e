"""distributed solve jobs: scenario (team) key, payload, claim, attempts, lease

Revision ID: 0004_distributed_jobs
Revises: 0003_contract_params
Create Date: 2026-12-02 06:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.tables


revision = '0004_distributed_jobs'
down_revision = '0003_contract_params'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('solve_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scenario_id', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(),
                                      nullable=False, server_default=''))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('lease_expires_at', api.tables.UTCDateTime(),
                                      nullable=True))
        batch_op.create_index(batch_op.f('ix_solve_job_scenario_id'), ['scenario_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('solve_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solve_job_scenario_id'))
        batch_op.drop_column('lease_expires_at')
        batch_op.drop_column('attempts')
        batch_op.drop_column('worker')
        batch_op.drop_column('payload')
        batch_op.drop_column('scenario_id')
