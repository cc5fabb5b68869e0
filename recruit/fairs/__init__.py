"""Job fairs, participations, booths, check-in and seeker counts."""
