"""Notifications: an outbox written with each event, delivered after commit (DESIGN §9)."""
