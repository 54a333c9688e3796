"""Shared pytest fixtures for the whole workspace live in libs/testing (guichet_testing)."""

pytest_plugins = ["guichet_testing.plugin"]
