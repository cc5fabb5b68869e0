"""outcome history: dated steps of each intent, backfilled from the old dates (issue 16)

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-30 04:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None

#: What the backfill writes on the steps it derives from the old dates (no recorder is known).
BACKFILL_NOTE = '由原结果记录迁移'


def upgrade():
    op.create_table('hire_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hire_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('milestone', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['hire_id'], ['tentative_hires.id'], name=op.f('fk_hire_steps_hire_id_tentative_hires')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_hire_steps_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_hire_steps_voided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hire_steps'))
    )
    with op.batch_alter_table('hire_steps', schema=None) as batch_op:
        batch_op.create_index('ix_hire_steps_hire_step', ['hire_id', 'step'], unique=False)

    # Backfill: the dates the intents carry become their first steps (plain SQL, both databases).
    insert = (
        'INSERT INTO hire_steps (hire_id, step, "on", recorded_at, note) '
        "SELECT id, {step}, {day}, updated_at, :note FROM tentative_hires WHERE {where}"
    )
    for step, day, where in (
        ("'hired'", 'hired_on', 'hired_on IS NOT NULL'),
        ("'started'", 'started_on', 'started_on IS NOT NULL'),
        ('outcome', 'outcome_on',
         "outcome IN ('declined', 'withdrawn') AND outcome_on IS NOT NULL"),
    ):
        op.execute(
            sa.text(insert.format(step=step, day=day, where=where)).bindparams(note=BACKFILL_NOTE)
        )


def downgrade():
    with op.batch_alter_table('hire_steps', schema=None) as batch_op:
        batch_op.drop_index('ix_hire_steps_hire_step')

    op.drop_table('hire_steps')
