"""users' mobile and e-mail, each with the time it was verified

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 01:30:00.000000

Notifications, password reset and invitations reach people through these; a value counts for
a reset only once verified.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('mobile_verified_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('email_verified_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_mobile'), ['mobile'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_email'))
        batch_op.drop_index(batch_op.f('ix_users_mobile'))
        batch_op.drop_column('email_verified_at')
        batch_op.drop_column('mobile_verified_at')
        batch_op.drop_column('email')
        batch_op.drop_column('mobile')
