"""The versioned JSON API: API tokens, idempotent creates, optimistic concurrency, /api/v1."""
