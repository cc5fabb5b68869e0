"""the postings changes feed for integrators (issue 19, owned by the changes-feed helper)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 01:30:00.000000

A channel of kind `pull` keeps a change log (posting_changes, numbered per channel from
change_feeds.last_seq) that integrators read with GET /api/v1/postings/changes, and the
consumers it issued tokens to (channel_consumers: the token's hash, what each last read).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_feeds',
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('pruned_through', sa.Integer(), nullable=False),
    sa.Column('swept_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_change_feeds_channel_id_channels')),
    sa.PrimaryKeyConstraint('channel_id', name=op.f('pk_change_feeds'))
    )
    op.create_table('posting_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('position_id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('document', sa.JSON(), nullable=True),
    sa.Column('digest', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_posting_changes_channel_id_channels')),
    sa.ForeignKeyConstraint(['position_id'], ['positions.id'], name=op.f('fk_posting_changes_position_id_positions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posting_changes')),
    sa.UniqueConstraint('channel_id', 'seq', name='uq_posting_changes_channel_seq')
    )
    with op.batch_alter_table('posting_changes', schema=None) as batch_op:
        batch_op.create_index('ix_posting_changes_channel_position', ['channel_id', 'position_id', 'seq'], unique=False)

    op.create_table('channel_consumers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_cursor', sa.Integer(), nullable=True),
    sa.Column('last_read_at', sa.DateTime(), nullable=True),
    sa.Column('reads', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_channel_consumers_channel_id_channels')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_channel_consumers_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_consumers')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_channel_consumers_token_hash'))
    )
    with op.batch_alter_table('channel_consumers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_consumers_channel_id'), ['channel_id'], unique=False)


def downgrade():
    with op.batch_alter_table('channel_consumers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_consumers_channel_id'))

    op.drop_table('channel_consumers')
    with op.batch_alter_table('posting_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_posting_changes_channel_position')

    op.drop_table('posting_changes')
    op.drop_table('change_feeds')
