"""Demo reference data: directory validation and boundary geometry sanity."""

from __future__ import annotations

import copy
import itertools
import json
import math
from importlib import resources
from typing import Any

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray
from pydantic import ValidationError
from shapely.geometry import Point, Polygon, shape

from guichet_contracts.values import LANGUAGES, Confidentiality
from routing.demo import (
    DemoDirectory,
    Labels,
    load_boundary,
    load_demo_directory,
    official_languages,
)

AUTHALIC_RADIUS_M = 6_371_007.2  # sphere with the same surface as the GRS80 ellipsoid
AREA_TOLERANCE = 0.15
OVERLAP_TOLERANCE_KM2 = 0.01


def available_boundaries() -> tuple[str, ...]:
    """NIS codes for which a boundary file ships, sorted."""
    folder = resources.files("routing.demo").joinpath("boundaries")
    names = (entry.name for entry in folder.iterdir() if entry.name.endswith(".geojson"))
    return tuple(sorted(name.removesuffix(".geojson") for name in names))


def _raw_directory() -> dict[str, Any]:
    text = resources.files("routing.demo").joinpath("directory.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _polygon(nis: str) -> Polygon:
    geom = shape(load_boundary(nis)["geometry"])
    assert isinstance(geom, Polygon)
    return geom


def _equal_area(geom: shapely.Geometry) -> shapely.Geometry:
    """Project lon/lat onto a Lambert azimuthal equal-area plane (metres) on the authalic sphere."""
    centroid = geom.centroid
    lon0, lat0 = math.radians(centroid.x), math.radians(centroid.y)

    def project(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
        cos_c = math.sin(lat0) * np.sin(lat) + math.cos(lat0) * np.cos(lat) * np.cos(lon - lon0)
        k = np.sqrt(2.0 / (1.0 + cos_c))
        x = AUTHALIC_RADIUS_M * k * np.cos(lat) * np.sin(lon - lon0)
        y = (
            AUTHALIC_RADIUS_M
            * k
            * (math.cos(lat0) * np.sin(lat) - math.sin(lat0) * np.cos(lat) * np.cos(lon - lon0))
        )
        return np.column_stack([x, y])

    return shapely.transform(geom, project)


def _area_km2(geom: shapely.Geometry) -> float:
    return float(_equal_area(geom).area) / 1e6


def _labels(directory: DemoDirectory) -> list[tuple[str, Labels]]:
    found: list[tuple[str, Labels]] = []
    for town in directory.municipalities:
        found.append((f"{town.nis} name", town.names))
        found += [(f"{town.nis} dept {d.code}", d.name) for d in town.departments]
        for cat in town.categories:
            found.append((f"{town.nis} cat {cat.code}", cat.label))
            found += [(f"{town.nis} sub {s.code}", s.label) for s in cat.subcategories]
            if cat.notice is not None:
                found.append((f"{town.nis} notice {cat.code}", cat.notice))
    return found


# ---------------------------------------------------------------- directory


def test_directory_loads_the_demo_towns() -> None:
    directory = load_demo_directory()
    nis_codes = {town.nis for town in directory.municipalities}
    assert {"23077", "55040", "63023"} <= nis_codes
    assert set(available_boundaries()) == nis_codes
    assert directory.municipality("63023").languages == ("de",)
    assert directory.municipality("23077").names.fr == "Leeuw-Saint-Pierre"
    assert directory.municipality("55040").names.nl == "Zinnik"


def test_every_label_exists_in_all_platform_languages() -> None:
    labels = _labels(load_demo_directory())
    assert len(labels) > 200
    for where, label in labels:
        for language in LANGUAGES:
            text = label.get(language)
            assert text, f"{where}: empty {language}"
            assert text == text.strip(), f"{where}: untrimmed {language}"


def test_every_town_covers_the_same_category_codes_with_own_settings() -> None:
    towns = load_demo_directory().municipalities
    codes = {tuple(sorted(c.code for c in town.categories)) for town in towns}
    assert len(codes) == 1, "towns must offer the same category codes"
    settings = {
        tuple(
            (c.duplicate_radius_m, c.sla_business_days, c.default_department) for c in t.categories
        )
        for t in towns
    }
    assert len(settings) == len(towns), "each town should have its own settings"


def test_security_facts_are_confidential_and_go_to_safety_or_police() -> None:
    for town in load_demo_directory().municipalities:
        fact = town.category("security_fact")
        assert fact.confidentiality is Confidentiality.CONFIDENTIAL
        assert fact.notice is not None
        assert "112" in fact.notice.fr
        department = town.department(fact.default_department)
        assert department.kind == "police_partner" or department.code == "SAFETY"
        public = [c for c in town.categories if c.confidentiality is Confidentiality.PUBLIC]
        assert "security_fact" not in {c.code for c in public}


def test_case_prefixes_are_three_letters_and_distinct() -> None:
    prefixes = [t.case_prefix for t in load_demo_directory().municipalities]
    assert len(set(prefixes)) == len(prefixes)
    assert load_demo_directory().municipality("63023").case_prefix == "EUP"


@pytest.mark.parametrize(
    ("nis", "expected"),
    [
        ("23077", {"nl"}),
        ("34022", {"nl"}),
        ("55040", {"fr"}),
        ("25014", {"fr"}),
        ("63023", {"de"}),
        ("63079", {"fr"}),
        ("21004", {"fr", "nl"}),
    ],
)
def test_official_languages_follow_the_nis_code(nis: str, expected: set[str]) -> None:
    assert official_languages(nis) == expected


def _mutated(mutate: Any) -> dict[str, Any]:
    data = copy.deepcopy(_raw_directory())
    mutate(data)
    return data


def _first_town(data: dict[str, Any]) -> dict[str, Any]:
    town: dict[str, Any] = data["municipalities"][0]
    return town


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: _first_town(d)["categories"][0].update(default_department="NOPE"),
            "unknown department",
        ),
        (
            lambda d: _first_town(d)["departments"].append(_first_town(d)["departments"][0]),
            "duplicate",
        ),
        (
            lambda d: _first_town(d)["categories"][1].update(code="illegal_dumping"),
            "duplicate",
        ),
        (lambda d: _first_town(d).update(nis="2307"), "pattern"),
        (lambda d: _first_town(d).update(languages=["fr"]), "official"),
        (lambda d: _first_town(d).update(languages=["xx"]), "literal_error"),
        (lambda d: _first_town(d)["names"].pop("de"), "missing"),
        (lambda d: _first_town(d)["names"].update(en="  "), "at least 1 character"),
        (lambda d: d["municipalities"][1].update(case_prefix="SPL"), "case prefix"),
        (lambda d: d["municipalities"].append(d["municipalities"][0]), "NIS code"),
        (
            lambda d: _first_town(d)["categories"][0].update(default_priority="asap"),
            "enum",
        ),
        (
            lambda d: _first_town(d)["departments"][0].update(kind="police_partner"),
            "police partner",
        ),
    ],
)
def test_directory_validation_rejects_inconsistent_data(mutate: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DemoDirectory.model_validate(_mutated(mutate))


def test_unmodified_raw_directory_validates() -> None:
    assert DemoDirectory.model_validate(_raw_directory()) == load_demo_directory()


# ---------------------------------------------------------------- boundaries


def test_load_boundary_rejects_bad_and_unknown_codes() -> None:
    with pytest.raises(ValueError, match="not a NIS code"):
        load_boundary("../directory")
    with pytest.raises(LookupError):
        load_boundary("99999")


@pytest.mark.parametrize("nis", available_boundaries())
def test_boundary_is_a_valid_ccw_polygon_matching_the_directory(nis: str) -> None:
    feature = load_boundary(nis)
    town = load_demo_directory().municipality(nis)
    props = feature["properties"]
    assert (props["name_fr"], props["name_nl"], props["name_de"]) == (
        town.names.fr,
        town.names.nl,
        town.names.de,
    )
    assert props["source"]
    assert props["licence"]
    polygon = _polygon(nis)
    assert polygon.is_valid
    assert polygon.exterior.is_ccw
    assert len(polygon.exterior.coords) <= 300
    assert all(ring.is_ccw is False for ring in polygon.interiors)
    min_lon, min_lat, max_lon, max_lat = polygon.bounds
    assert 2.5 <= min_lon < max_lon <= 6.5
    assert 49.4 <= min_lat < max_lat <= 51.6


@pytest.mark.parametrize("nis", available_boundaries())
def test_town_hall_lies_inside_its_own_boundary_only(nis: str) -> None:
    directory = load_demo_directory()
    centre = directory.municipality(nis).centre
    point = Point(centre.lon, centre.lat)
    assert _polygon(nis).contains(point)
    for other in available_boundaries():
        if other != nis:
            assert not _polygon(other).contains(point), f"{nis} centre inside {other}"


@pytest.mark.parametrize("nis", available_boundaries())
def test_boundary_area_is_close_to_official_area(nis: str) -> None:
    official = load_demo_directory().municipality(nis).area_km2
    measured = _area_km2(_polygon(nis))
    assert abs(measured - official) / official <= AREA_TOLERANCE, (nis, measured, official)


def test_equal_area_helper_measures_a_known_cell() -> None:
    # One degree square at the equator: R^2 * dlon * (sin(1deg) - sin(0)) = ~12,364 km2.
    cell = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    expected = AUTHALIC_RADIUS_M**2 * math.radians(1) * math.sin(math.radians(1)) / 1e6
    assert _area_km2(cell) == pytest.approx(expected, rel=1e-3)


def test_boundaries_of_different_towns_do_not_overlap() -> None:
    for a, b in itertools.combinations(available_boundaries(), 2):
        overlap = _polygon(a).intersection(_polygon(b))
        if not overlap.is_empty:
            assert _area_km2(overlap) < OVERLAP_TOLERANCE_KM2, (a, b)


def test_soignies_and_braine_le_comte_share_a_border() -> None:
    soignies, braine = _polygon("55040"), _polygon("55004")
    assert soignies.touches(braine)
    shared = soignies.boundary.intersection(braine.boundary)
    assert _equal_area(shared).length > 5_000  # metres of common border
