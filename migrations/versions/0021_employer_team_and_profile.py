"""employer HR team, invitations and profile changes under review (issue 15, owned by the employer-team helper)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 01:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
