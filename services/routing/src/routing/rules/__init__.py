"""Routing rules: tenant data, ordered, first match wins."""
