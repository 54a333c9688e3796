"""Registers every fixture module of guichet_testing with pytest."""

pytest_plugins = [
    "guichet_testing.stack",
]
