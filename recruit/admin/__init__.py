"""Screens for system administrators: the audit log."""
