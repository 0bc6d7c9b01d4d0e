"""teams: every entity, plan and job belongs to a team; roles per team (memberships)

An existing single-scenario database moves into one first team (id 1), named after its
scenario (or ``default``); every user becomes a member of it with their former role and
technician link. A database with no data at all gets no team (the first ``rota import``
or ``rota users add`` creates ``default``).

Downgrade: allowed while at most one team exists (its data go back to the single
scenario); refused, with the reason, when several do.

Revision ID: 0008_teams
Revises: 0007_swap_proposals
Create Date: 2026-12-02 12:40:00
"""

from __future__ import annotations

import re
import warnings

import sqlalchemy as sa
import sqlmodel
from alembic import op

import api.tables


revision = '0008_teams'
down_revision = '0007_swap_proposals'
branch_labels = None
depends_on = None

STRING_IDS = ('skill', 'contract', 'technician', 'client', 'shift_type', 'oncall_rotation')
"""Tables whose text id becomes unique per team: primary key (team_id, id)."""
OTHERS = ('coverage_rule', 'absence', 'peak', 'request', 'scenario_assignment', 'plan',
          'plan_assignment', 'plan_oncall', 'solve_job', 'swap_proposal', 'job_report')
"""Tables keeping their own integer id, with a team_id column."""
WATCHED = ('technician', 'client', 'oncall_rotation', 'plan', 'plan_assignment', 'plan_oncall')
"""Tables carrying the response-stamp triggers of 0006 (SQLite loses them on a rebuild)."""


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _slug(name: str) -> str:
    slug = re.sub(r'[^a-z0-9_-]+', '-', (name or '').strip().lower()).strip('-_')[:63]
    return slug or 'default'


def _has_data(conn) -> bool:
    for table in (*STRING_IDS, *OTHERS, 'scenario', 'app_user'):
        if conn.execute(sa.text(f'SELECT 1 FROM {table} LIMIT 1')).first() is not None:
            return True
    return False


def _sqlite_triggers() -> None:
    for table in WATCHED:
        for event in ('insert', 'update', 'delete'):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_renews_response_stamp")
            op.execute(f"CREATE TRIGGER {table}_{event}_renews_response_stamp AFTER {event.upper()} "
                       f"ON {table} BEGIN INSERT INTO response_stamp (id, version) VALUES (1, random()) "
                       "ON CONFLICT (id) DO UPDATE SET version = excluded.version; END")


def _add_team(table: str, string_id: bool) -> None:
    fk = f'{table}_team_id_fkey'
    if _sqlite():
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        op.execute(f'UPDATE {table} SET team_id = 1')
        with warnings.catch_warnings(), op.batch_alter_table(table, recreate='always') as b:
            # SQLAlchemy warns that the rebuilt table's primary key differs: it is meant to
            warnings.simplefilter('ignore', sa.exc.SAWarning)
            b.alter_column('team_id', existing_type=sa.Integer(), nullable=False)
            b.create_index(f'ix_{table}_team_id', ['team_id'], unique=False)
            b.create_foreign_key(fk, 'team', ['team_id'], ['id'], ondelete='CASCADE')
            if string_id:
                b.create_primary_key(f'{table}_pkey', ['team_id', 'id'])
        return
    op.add_column(table, sa.Column('team_id', sa.Integer(), nullable=True))
    op.execute(f'UPDATE {table} SET team_id = 1')
    op.alter_column(table, 'team_id', existing_type=sa.Integer(), nullable=False)
    op.create_index(f'ix_{table}_team_id', table, ['team_id'], unique=False)
    op.create_foreign_key(fk, table, 'team', ['team_id'], ['id'], ondelete='CASCADE')
    if string_id:
        op.drop_constraint(f'{table}_pkey', table, type_='primary')
        op.create_primary_key(f'{table}_pkey', table, ['team_id', 'id'])


def upgrade() -> None:
    conn = op.get_bind()
    op.create_table(
        'team',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('created_at', api.tables.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_team_slug', 'team', ['slug'], unique=True)
    op.create_table(
        'team_member',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('technician_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column('created_at', api.tables.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['team_id'], ['team.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'team_id'),
    )
    op.create_index('ix_team_member_team_id', 'team_member', ['team_id'], unique=False)
    op.create_index('ix_team_member_team_technician', 'team_member', ['team_id', 'technician_id'],
                    unique=False)

    if _has_data(conn):
        name = conn.execute(sa.text('SELECT name FROM scenario ORDER BY id LIMIT 1')).scalar()
        team = sa.table('team', sa.column('id', sa.Integer), sa.column('slug', sa.String),
                        sa.column('name', sa.String), sa.column('created_at', api.tables.UTCDateTime()))
        op.bulk_insert(team, [{'id': 1, 'slug': _slug(name or ''), 'name': name or 'default',
                               'created_at': api.tables.utcnow()}])
        if conn.dialect.name == 'postgresql':
            op.execute("SELECT setval(pg_get_serial_sequence('team', 'id'), 1)")
        op.execute('INSERT INTO team_member (user_id, team_id, role, technician_id, created_at) '
                   'SELECT id, 1, role, technician_id, created_at FROM app_user')

    for table in STRING_IDS:
        _add_team(table, string_id=True)
    for table in OTHERS:
        _add_team(table, string_id=False)

    # the scenario row: one per team, keyed by its team
    _add_team('scenario', string_id=False)
    if _sqlite():
        with warnings.catch_warnings(), op.batch_alter_table('scenario', recreate='always') as b:
            warnings.simplefilter('ignore', sa.exc.SAWarning)
            b.drop_column('id')
            b.create_primary_key('scenario_pkey', ['team_id'])
    else:
        op.drop_constraint('scenario_pkey', 'scenario', type_='primary')
        op.drop_column('scenario', 'id')
        op.create_primary_key('scenario_pkey', 'scenario', ['team_id'])

    # the per-team solve limit counts by team_id now
    with op.batch_alter_table('solve_job') as b:
        b.drop_index('ix_solve_job_scenario_id')
        b.drop_column('scenario_id')
    # roles live in the memberships
    with op.batch_alter_table('app_user') as b:
        b.drop_column('role')
        b.drop_column('technician_id')
    if _sqlite():
        _sqlite_triggers()


def downgrade() -> None:
    conn = op.get_bind()
    teams = conn.execute(sa.text('SELECT id, slug FROM team ORDER BY id')).all()
    if len(teams) > 1:
        raise RuntimeError(
            f"cannot downgrade below 0008_teams: the database holds {len(teams)} teams "
            f"({', '.join(s for _i, s in teams)}); before 0008 a database held one scenario. "
            "Export each team (rota export DIR --team NAME) and keep one, or stay on this version.")
    keep = teams[0][0] if teams else 1
    if teams and keep != 1:
        for table in (*STRING_IDS, *OTHERS, 'scenario', 'team_member'):
            op.execute(f'UPDATE {table} SET team_id = 1 WHERE team_id = {int(keep)}')

    with op.batch_alter_table('app_user') as b:
        b.add_column(sa.Column('role', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        b.add_column(sa.Column('technician_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    op.execute('UPDATE app_user SET role = (SELECT m.role FROM team_member m WHERE m.user_id = '
               'app_user.id), technician_id = (SELECT m.technician_id FROM team_member m WHERE '
               'm.user_id = app_user.id)')
    op.execute("UPDATE app_user SET role = 'coordinator' WHERE role IS NULL")
    with op.batch_alter_table('app_user') as b:
        b.alter_column('role', existing_type=sqlmodel.sql.sqltypes.AutoString(), nullable=False)

    with op.batch_alter_table('solve_job') as b:
        b.add_column(sa.Column('scenario_id', sa.Integer(), nullable=False, server_default='1'))
        b.create_index('ix_solve_job_scenario_id', ['scenario_id'], unique=False)

    if _sqlite():
        with warnings.catch_warnings(), op.batch_alter_table('scenario', recreate='always') as b:
            warnings.simplefilter('ignore', sa.exc.SAWarning)
            b.add_column(sa.Column('id', sa.Integer(), nullable=False, server_default='1'))
            b.drop_constraint('scenario_team_id_fkey', type_='foreignkey')
            b.drop_index('ix_scenario_team_id')
            b.create_primary_key('scenario_pkey', ['id'])
            b.drop_column('team_id')
    else:
        op.drop_constraint('scenario_pkey', 'scenario', type_='primary')
        op.add_column('scenario', sa.Column('id', sa.Integer(), nullable=False, server_default='1'))
        op.create_primary_key('scenario_pkey', 'scenario', ['id'])
        op.drop_index('ix_scenario_team_id', table_name='scenario')
        op.drop_column('scenario', 'team_id')

    for table in (*STRING_IDS, *OTHERS):
        fk = f'{table}_team_id_fkey'
        if _sqlite():
            with warnings.catch_warnings(), op.batch_alter_table(table, recreate='always') as b:
                warnings.simplefilter('ignore', sa.exc.SAWarning)
                b.drop_constraint(fk, type_='foreignkey')
                b.drop_index(f'ix_{table}_team_id')
                if table in STRING_IDS:
                    b.create_primary_key(f'{table}_pkey', ['id'])
                b.drop_column('team_id')
        else:
            op.drop_constraint(fk, table, type_='foreignkey')
            op.drop_index(f'ix_{table}_team_id', table_name=table)
            if table in STRING_IDS:
                op.drop_constraint(f'{table}_pkey', table, type_='primary')
                op.create_primary_key(f'{table}_pkey', table, ['id'])
            op.drop_column(table, 'team_id')
    op.drop_index('ix_team_member_team_technician', table_name='team_member')
    op.drop_index('ix_team_member_team_id', table_name='team_member')
    op.drop_table('team_member')
    op.drop_index('ix_team_slug', table_name='team')
    op.drop_table('team')
    if _sqlite():
        _sqlite_triggers()
