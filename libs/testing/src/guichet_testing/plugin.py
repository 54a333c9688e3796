"""Registers every fixture module of guichet_testing with pytest."""

pytest_plugins = [
    "guichet_testing.stack",
    "guichet_testing.nats",
    "guichet_testing.database",
    "guichet_testing.s3",
    "guichet_testing.oidc",
    "guichet_testing.proxy",
]
