"""Canned responses: ready-made public messages per municipality and language."""
