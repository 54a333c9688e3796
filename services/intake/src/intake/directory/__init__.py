"""Intake's projection of the tenant directory (consumes `directory.published` v1)."""
