"""A case's append-only history (the table refuses updates and deletes)."""
