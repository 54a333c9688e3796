"""Routing's domain errors, rendered as problem+json with translated messages."""

from __future__ import annotations

from guichet_kit.errors import NotFound, Unprocessable
from guichet_kit.i18n import N_


class InvalidGeoJSON(Unprocessable):
    code = N_("routing.geojson_invalid")


class WrongCoordinates(Unprocessable):
    code = N_("routing.coordinates_invalid")


class InvalidGeometry(Unprocessable):
    code = N_("routing.geometry_invalid")


class BoundaryOverlap(Unprocessable):
    code = N_("routing.boundary_overlap")


class InvalidDirectoryChange(Unprocessable):
    """A rule or directory entry that fails validation; `extra["errors"]` lists each problem
    as ``{field, message}``."""

    code = N_("routing.directory_change_invalid")


class DirectoryTooLarge(Unprocessable):
    code = N_("routing.directory_too_large")


class DecisionNotFound(NotFound):
    code = N_("routing.decision_not_found")


class RuleNotFound(NotFound):
    code = N_("routing.rule_not_found")


class DirectoryEntryNotFound(NotFound):
    code = N_("routing.directory_entry_not_found")
