"""Positions posted by employers."""
