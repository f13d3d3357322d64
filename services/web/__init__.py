"""The unit workbench: a read-only web UI over the registry (units' tasks, documents, overview, search)."""
