"""The organizer workspace (/manage): fairs, participations, on-the-day pages, review."""
