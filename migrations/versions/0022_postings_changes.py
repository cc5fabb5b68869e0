"""the postings changes feed for integrators (issue 19, owned by the changes-feed helper)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 01:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
