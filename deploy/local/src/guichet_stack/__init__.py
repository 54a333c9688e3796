"""Local stack launcher: PostgreSQL+PostGIS, NATS JetStream, S3, OIDC and an SMTP sink on
loopback ports derived from one base, plus the `run` and `test` entry points of the Makefile."""
