"""Background work: a PostgreSQL-backed job queue when configured, otherwise in-process."""
