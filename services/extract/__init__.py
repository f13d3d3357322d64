"""Extraction: bytes → text → documents → clauses → facts. Core modules are pure and depend on nothing else of ours."""

# Bumped whenever extraction output can change, so the registry stores a new version on re-extraction.
EXTRACTOR_VERSION = "0.1.0"
