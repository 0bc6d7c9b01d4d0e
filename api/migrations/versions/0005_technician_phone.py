"""technician phone number (optional, international form)

Existing technicians get an empty phone ('' = none given), as old scenario files do.

Revision ID: 0005_technician_phone
Revises: 0004_distributed_jobs
Create Date: 2026-12-02 06:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision = '0005_technician_phone'
down_revision = '0004_distributed_jobs'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('technician', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('technician', schema=None) as batch_op:
        batch_op.drop_column('phone')
