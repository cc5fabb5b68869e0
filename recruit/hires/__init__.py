"""Tentative hires made at fairs and their outcomes."""
