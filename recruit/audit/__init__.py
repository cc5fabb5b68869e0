"""Audit trail of state changes."""
