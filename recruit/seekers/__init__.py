"""Seekers at fairs: entries, applications and their own data (DESIGN §7)."""
