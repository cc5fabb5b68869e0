"""Demo data for trying the product."""
