"""Key building and header validation (pure; the S3 tests prove the same rules end to end)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from guichet_kit.errors import GuichetError
from guichet_kit.i18n import translate
from guichet_kit.storage import InvalidObjectKey, ObjectTooLarge, content_disposition, object_key
from guichet_kit.storage.headers import validate_content_type, validate_metadata


@pytest.mark.parametrize(
    ("tenant", "path", "key"),
    [
        ("23077", "reports/0190a1b2/photo-1.jpg", "23077/reports/0190a1b2/photo-1.jpg"),
        ("55040", "a", "55040/a"),
        ("63023", "x/y_z/file.name.tar.gz", "63023/x/y_z/file.name.tar.gz"),
        ("23077", "a/b./c", "23077/a/b./c"),
    ],
)
def test_valid_keys_are_tenant_prefixed(tenant: str, path: str, key: str) -> None:
    assert object_key(tenant, path) == key


@pytest.mark.parametrize(
    "tenant",
    [
        "2307",
        "230777",
        "abcde",
        "",
        "23077/",
        "../23077",
        "2307.",
        "\uff12\uff13\uff10\uff17\uff17",
        "23077\n",
    ],
)
def test_bad_tenants_are_refused(tenant: str) -> None:
    with pytest.raises(InvalidObjectKey, match="tenant"):
        object_key(tenant, "photo.jpg")


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/",
        "/etc/passwd",
        "..",
        "../55040/photo.jpg",
        "a/../../55040/photo.jpg",
        "a/..",
        "./a",
        "a/./b",
        "a//b",
        "a/",
        ".hidden",
        "a\\..\\b",
        "%2e%2e/55040/x",
        "a b",
        "a\nb",
        "a\x00b",
        "caf\u00e9.jpg",
        "\u2024\u2024/x",  # one-dot leaders that look like ".."
        "a?b",
        "a#b",
        "a*",
        "x" * 256,
    ],
)
def test_paths_that_could_escape_or_are_unsafe_are_refused(path: str) -> None:
    with pytest.raises(InvalidObjectKey):
        object_key("23077", path)


def test_whole_key_length_is_bounded() -> None:
    segment = "s" * 200
    assert object_key("23077", "/".join([segment] * 5))  # 6 + 1004 = 1010 bytes
    with pytest.raises(InvalidObjectKey, match="1024"):
        object_key("23077", "/".join([segment] * 6))


def test_storage_errors_are_kit_errors_with_translations() -> None:
    too_large = ObjectTooLarge(size=2_000_001, limit=2_000_000)
    assert isinstance(too_large, GuichetError)
    assert (too_large.status, too_large.code) == (413, "storage.object_too_large")
    assert too_large.extra == {"max_bytes": 2_000_000}
    assert too_large.detail("nl") == "Het bestand is te groot (maximaal 2 MB)."
    assert InvalidObjectKey("x").status == 400
    assert translate("storage.object_not_found", "de") == "Die Datei existiert nicht."


@pytest.mark.parametrize(
    "value", ["image/jpeg", "application/pdf", "text/plain; charset=utf-8", 'text/plain; x="a b"']
)
def test_content_types_accepted(value: str) -> None:
    assert validate_content_type(value) == value


@pytest.mark.parametrize(
    "value", ["", "jpeg", "image/", "/jpeg", "image/jpeg\r\nX-Evil: 1", "image/jpeg; x", "a/b c"]
)
def test_content_types_refused(value: str) -> None:
    with pytest.raises(ValueError, match="content type"):
        validate_content_type(value)


def test_metadata_rules() -> None:
    assert validate_metadata({"sha256": "ab", "original-name": "IMG 1.jpg"}) == {
        "sha256": "ab",
        "original-name": "IMG 1.jpg",
    }
    for bad in ({"Content-Type": "x"}, {"a_b": "x"}, {"k": "caf\u00e9"}, {"k": "a\r\nb"}):
        with pytest.raises(ValueError, match="metadata"):
            validate_metadata(bad)
    with pytest.raises(ValueError, match="2048"):
        validate_metadata({f"k{i}": "v" * 100 for i in range(30)})


def test_content_disposition_is_safe_for_any_file_name() -> None:
    value = content_disposition('Photo "rue de l\'Église"; 1.jpg')
    assert value.startswith('attachment; filename="Photo _rue de l\'_glise__ 1.jpg"; filename*=')
    assert unquote(value.split("filename*=UTF-8''")[1]) == 'Photo "rue de l\'Église"; 1.jpg'
    assert all(32 <= ord(c) < 127 for c in value)
    assert content_disposition("a\r\nb.pdf", inline=True).startswith('inline; filename="a__b.pdf"')
    assert content_disposition("../../x").startswith('attachment; filename=".._.._x"')
