"""Reference data: regions, industry chains and the fixed code lists of DESIGN §3."""
