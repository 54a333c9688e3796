"""The tenant directory: hosted municipalities, their departments and report categories."""
