"""swap proposals and the reports of explain/robustness jobs (issue 11)

Revision ID: 0007_swap_proposals
Revises: 0006_response_cache_stamp
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.tables


revision = '0007_swap_proposals'
down_revision = '0006_response_cache_stamp'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('swap_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('technician', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('to', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('duty', sa.JSON(), nullable=False),
    sa.Column('take', sa.JSON(), nullable=True),
    sa.Column('verdict', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', api.tables.UTCDateTime(), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', api.tables.UTCDateTime(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('draft_plan_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('swap_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_swap_proposal_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_proposal_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_swap_proposal_technician'), ['technician'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_swap_proposal_to'), ['to'], unique=False)

    op.create_table('job_report',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('created_at', api.tables.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('job_id')
    )
    with op.batch_alter_table('job_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_report_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('job_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_report_plan_id'))
    op.drop_table('job_report')
    with op.batch_alter_table('swap_proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_swap_proposal_to'))
        batch_op.drop_index(batch_op.f('ix_swap_proposal_technician'))
        batch_op.drop_index(batch_op.f('ix_swap_proposal_status'))
        batch_op.drop_index(batch_op.f('ix_swap_proposal_plan_id'))
    op.drop_table('swap_proposal')
