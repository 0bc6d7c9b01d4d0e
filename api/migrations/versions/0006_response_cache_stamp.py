"""response cache stamp: a version row that triggers renew on every change of what a
published schedule or calendar feed shows

``response_stamp.version`` takes a new random value (random, not +1: a database that
is emptied and refilled never repeats a stamp a server process still holds) in the
same transaction as any insert, update or delete on the watched tables, whoever
writes (any API process, ``rota import``, a script). ``api.cache`` reads it once per
request to know whether its rendered responses are still current.

Revision ID: 0006_response_cache_stamp
Revises: 0005_technician_phone
Create Date: 2026-12-02 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006_response_cache_stamp'
down_revision = '0005_technician_phone'
branch_labels = None
depends_on = None

WATCHED = ('technician', 'client', 'oncall_rotation', 'plan', 'plan_assignment', 'plan_oncall')
EVENTS = ('insert', 'update', 'delete')


def upgrade() -> None:
    op.create_table(
        'response_stamp',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # one renewal per statement (PostgreSQL has statement triggers; SQLite has not)
        op.execute("""
            CREATE FUNCTION rota_renew_response_stamp() RETURNS trigger AS $$
            BEGIN
              INSERT INTO response_stamp (id, version)
              VALUES (1, floor(random() * 9e18)::bigint)
              ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version;
              RETURN NULL;
            END $$ LANGUAGE plpgsql""")
        for table in WATCHED:
            op.execute(f"CREATE TRIGGER {table}_renews_response_stamp AFTER INSERT OR UPDATE OR "
                       f"DELETE ON {table} FOR EACH STATEMENT "
                       "EXECUTE FUNCTION rota_renew_response_stamp()")
        op.execute("INSERT INTO response_stamp (id, version) VALUES (1, floor(random() * 9e18)::bigint)")
        return
    for table in WATCHED:
        for event in EVENTS:
            op.execute(f"CREATE TRIGGER {table}_{event}_renews_response_stamp AFTER {event.upper()} "
                       f"ON {table} BEGIN INSERT INTO response_stamp (id, version) VALUES (1, random()) "
                       "ON CONFLICT (id) DO UPDATE SET version = excluded.version; END")
    op.execute("INSERT INTO response_stamp (id, version) VALUES (1, random())")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_renews_response_stamp ON {table}")
        op.execute("DROP FUNCTION rota_renew_response_stamp()")
    else:
        for table in WATCHED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_{event}_renews_response_stamp")
    op.drop_table('response_stamp')
