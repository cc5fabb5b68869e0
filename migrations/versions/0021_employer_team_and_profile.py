"""employer HR team, invitations and profile changes under review (issue 15, owned by the employer-team helper)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 01:30:00.000000

Every employer account gets a role for its employer: administrator, full rights or read-only.
Accounts that exist already are their employer's administrators. Administrators invite
colleagues (employer_invitations); a change of an employer's name, USCC or region waits for an
organizer in employer_changes, the old values staying public meanwhile.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('employer_role', sa.String(length=20), nullable=True))
    op.execute("UPDATE users SET employer_role = 'admin' WHERE role = 'employer'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_users_employer_has_employer_role'), "role <> 'employer' OR employer_role IS NOT NULL")

    op.create_table('employer_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_employer_invitations_employer_id_employers')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_employer_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_employer_invitations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_employer_invitations_token_hash'))
    )
    with op.batch_alter_table('employer_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_invitations_employer_id'), ['employer_id'], unique=False)

    op.create_table('employer_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('old_name', sa.String(length=120), nullable=False),
    sa.Column('old_uscc', sa.String(length=18), nullable=False),
    sa.Column('old_region_code', sa.String(length=6), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['employer_id'], ['employers.id'], name=op.f('fk_employer_changes_employer_id_employers')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_employer_changes_region_code_regions')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_employer_changes_requested_by_id_users')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['users.id'], name=op.f('fk_employer_changes_reviewed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer_changes'))
    )
    with op.batch_alter_table('employer_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_changes_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_employer_changes_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('employer_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_changes_status'))
        batch_op.drop_index(batch_op.f('ix_employer_changes_employer_id'))

    op.drop_table('employer_changes')
    with op.batch_alter_table('employer_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_invitations_employer_id'))

    op.drop_table('employer_invitations')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_employer_has_employer_role'), type_='check')
        batch_op.drop_column('employer_role')
