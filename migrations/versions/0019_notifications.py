"""notifications outbox and notification preferences (issue 15, owned by the notifications helper)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 01:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
