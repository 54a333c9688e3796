"""Guichet routing service."""

__version__ = "0.1.0"
