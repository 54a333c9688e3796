"""Event payloads, one module per aggregate (`report.py`, `case.py`, ...).

Each module declares its payload models and registers them in the default registry::

    from typing import ClassVar
    from guichet_contracts.payload import EventPayload
    from guichet_contracts.registry import register

    @register
    class ReportSubmitted(EventPayload):
        event_type: ClassVar[str] = "report.submitted"
        event_version: ClassVar[int] = 1
        ...

A breaking change is a new class with `event_version = 2`, published on the `.v2` subject next
to v1 until every consumer moved; within a version only optional fields may be added. After any
change run `uv run python -m guichet_contracts.schema_export` and commit `docs/events/`.
"""
