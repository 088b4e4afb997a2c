"""Results: Arrow tables and their encoders (JSON, CSV, text table)."""
