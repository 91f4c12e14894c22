"""Versioned scoring policy files (one immutable YAML file per version)."""
