"""The parity table: every row of every domain, in one list the runner goes through."""

from tests.parity import (
    rows_auth,
    rows_channels,
    rows_employer,
    rows_organizer,
    rows_public,
    rows_regions,
    rows_reports,
    rows_reset,
    rows_suspension,
    rows_team,
)

RULES = [
    *rows_organizer.ROWS,
    *rows_public.ROWS,
    *rows_employer.ROWS,
    *rows_channels.ROWS,
    *rows_reports.ROWS,
    *rows_auth.ROWS,
    *rows_suspension.ROWS,
    *rows_reset.ROWS,
    *rows_team.ROWS,
    *rows_regions.ROWS,
]
