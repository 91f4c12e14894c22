"""Evidence changed: one use case for every way a vendor's document arrives or is read."""
