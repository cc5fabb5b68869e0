"""Reminders sent by the scheduled jobs (intents without an outcome after 14 days)."""
