"""sync: conditional acknowledgements, republications, bounded concurrency, run progress and
follow-ups; channel tokens only from RECRUIT_CHANNEL_<CODE>_TOKEN; only http(s) remote links

Revision ID: 0015
Revises: 0011
Create Date: 2026-12-01 10:00:00.000000

"""
import logging

from alembic import op
import sqlalchemy as sa

logger = logging.getLogger("alembic.runtime.migration")


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('concurrency', sa.Integer(), server_default='8', nullable=False))
    with op.batch_alter_table('channel_postings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('desired_version', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('republications', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('force', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('total', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('processed', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('sent', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pending', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('follow_ups', sa.Integer(), server_default='0', nullable=False))

    conn = op.get_bind()
    # A channel's token may only come from RECRUIT_CHANNEL_<CODE>_TOKEN: rename any other
    # variable a channel named (the operator sets the new one; README says how).
    channels = sa.table(
        'channels', sa.column('id', sa.Integer), sa.column('code', sa.String),
        sa.column('token_env', sa.String),
    )
    for channel_id, code, token_env in conn.execute(
        sa.select(channels.c.id, channels.c.code, channels.c.token_env)
    ).all():
        wanted = f"RECRUIT_CHANNEL_{code.upper()}_TOKEN"
        if token_env and token_env != wanted:
            logger.warning(
                "渠道 %s 的令牌环境变量已由 %s 改为 %s，请在运行环境中设置 %s。",
                code, token_env, wanted, wanted,
            )
            conn.execute(
                channels.update().where(channels.c.id == channel_id).values(token_env=wanted)
            )
    # Links a portal gave are shown to staff: keep only plain http(s) ones.
    postings = sa.table('channel_postings', sa.column('remote_url', sa.String))
    conn.execute(
        postings.update()
        .where(
            postings.c.remote_url.is_not(None),
            sa.not_(sa.func.lower(postings.c.remote_url).like('http://%')),
            sa.not_(sa.func.lower(postings.c.remote_url).like('https://%')),
        )
        .values(remote_url=None)
    )


def downgrade():
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.drop_column('follow_ups')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('pending')
        batch_op.drop_column('sent')
        batch_op.drop_column('processed')
        batch_op.drop_column('total')
        batch_op.drop_column('force')
    with op.batch_alter_table('channel_postings', schema=None) as batch_op:
        batch_op.drop_column('republications')
        batch_op.drop_column('desired_version')
    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('concurrency')
