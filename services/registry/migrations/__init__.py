"""Alembic migrations of the registry schema (run by `duban migrate` and `duban up`; see ../migrate.py)."""
