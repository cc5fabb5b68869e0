"""Employers: registration, review status and their public profile."""
