"""password reset codes and links, contact verification, and the requests they are limited by

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 01:30:00.000000

account_codes holds a keyed hash of each SMS code and e-mail link sent to prove an address
(忘记密码, 验证手机号, 验证邮箱); contact_requests counts requests and wrong codes per account
and per client address for the rate limits.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('account_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('target', sa.String(length=254), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_account_codes_sent_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_account_codes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_codes'))
    )
    with op.batch_alter_table('account_codes', schema=None) as batch_op:
        batch_op.create_index('ix_account_codes_user_purpose', ['user_id', 'purpose'], unique=False)

    op.create_table('contact_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('account', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=45), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_requests'))
    )
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.create_index('ix_contact_requests_account_at', ['account', 'at'], unique=False)
        batch_op.create_index('ix_contact_requests_address_at', ['address', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_requests_address_at')
        batch_op.drop_index('ix_contact_requests_account_at')

    op.drop_table('contact_requests')
    with op.batch_alter_table('account_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_account_codes_user_purpose')

    op.drop_table('account_codes')
