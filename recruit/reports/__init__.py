"""The bureau's metrics and reports."""
