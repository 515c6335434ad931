"""Validators shared by every app (lowest app in the chain, so anyone may import them)."""

import math
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from .formatting import format_number

# Length limits of free texts (``projects.fields.LimitedTextField``): a few pages for the prose of a
# concept or a measure's profile, a page for notes, entries and answers.
LONG_TEXT = 20_000
SHORT_TEXT = 5_000

ags_validator = RegexValidator(
    r"^\d{8}$", _("Der Amtliche Gemeindeschlüssel (AGS) besteht aus genau 8 Ziffern."), code="ags"
)
colour_validator = RegexValidator(
    r"^#[0-9A-Fa-f]{6}$", _("Bitte eine Farbe im Format #RRGGBB angeben."), code="colour"
)
percent_validators = [
    MinValueValidator(Decimal("0"), _("Ein Prozentsatz darf nicht negativ sein.")),
    MaxValueValidator(Decimal("100"), _("Ein Prozentsatz darf höchstens 100 %% betragen.")),
]
non_negative_validator = MinValueValidator(Decimal("0"), _("Der Betrag darf nicht negativ sein."))
year_validators = [
    MinValueValidator(2000, _("Bitte ein Jahr ab 2000 angeben.")),
    MaxValueValidator(2100, _("Bitte ein Jahr bis 2100 angeben.")),
]


@deconstructible
class TextLengthValidator(BaseValidator):
    """At most ``limit_value`` characters; the message names the limit and the length, in German
    notation (``20.000``)."""

    message = _("Der Text ist zu lang: %(length)s Zeichen, erlaubt sind höchstens %(limit)s.")
    code = "max_length"

    def __call__(self, value):
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={"limit": format_number(self.limit_value, 0), "length": format_number(length, 0)},
            )


_GEOMETRY_TYPES = {
    # type: how deep the positions lie in "coordinates" (0: one position, 1: a list of positions, ...)
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
_GEOJSON_TYPES = {*_GEOMETRY_TYPES, "GeometryCollection", "Feature", "FeatureCollection"}
_HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
# GeoJSON needs four levels of arrays (MultiPolygon) inside two of objects (FeatureCollection, Feature);
# properties may nest a little more. Deeper is no map anyone draws, only a way to exhaust the server.
GEOJSON_MAX_DEPTH = 20
_BIGGEST_NUMBER = 10**15  # far beyond any coordinate; keeps numbers printable and storable everywhere

_INVALID = _("Bitte gültiges GeoJSON angeben (ein Objekt mit einem Typ wie Point oder Polygon).")


def _geojson_error(message, **params) -> ValidationError:
    return ValidationError(message, code="geojson", params=params or None)


def _check_json(value: object) -> None:
    """Raise unless ``value`` is plain JSON that every database stores and every page prints: objects
    with text keys, arrays, text without NUL characters or lone surrogates, finite numbers of sensible
    size, nested at most ``GEOJSON_MAX_DEPTH`` levels. Walks without recursion, so no input can exhaust
    the stack."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > GEOJSON_MAX_DEPTH:
                raise _geojson_error(
                    _("Das GeoJSON ist zu tief verschachtelt (höchstens %(max)s Ebenen)."),
                    max=GEOJSON_MAX_DEPTH,
                )
            if isinstance(item, dict):
                for key in item:
                    if not isinstance(key, str):
                        raise _geojson_error(_INVALID)
                    _check_text(key)
                stack.extend((child, depth + 1) for child in item.values())
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int):
            if not -_BIGGEST_NUMBER <= item <= _BIGGEST_NUMBER:
                raise _geojson_error(_("Das GeoJSON enthält eine zu große Zahl."))
        elif isinstance(item, float):
            if not math.isfinite(item) or abs(item) > _BIGGEST_NUMBER:
                raise _geojson_error(
                    _("Das GeoJSON enthält eine ungültige Zahl (NaN, unendlich oder zu groß).")
                )
        else:
            raise _geojson_error(_INVALID)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")  # fails on lone surrogates, which no page or database can hold
    except UnicodeEncodeError:
        valid = False
    else:
        valid = "\x00" not in text  # PostgreSQL refuses NUL in JSON
    if not valid:
        raise _geojson_error(
            _("Das GeoJSON enthält ungültige Zeichen (Nullzeichen oder unvollständige Unicode-Zeichen).")
        )


def _is_position(value: object) -> bool:
    return (
        isinstance(value, list)
        and 2 <= len(value) <= 3
        and all(isinstance(number, int | float) and not isinstance(number, bool) for number in value)
    )


def _check_positions(value: object, depth: int) -> bool:
    if depth == 0:
        return _is_position(value)
    return isinstance(value, list) and all(_check_positions(item, depth - 1) for item in value)


def _check_geojson(value: object, *, inside: str = "") -> None:
    """The structure of RFC 7946: a known type, coordinates as nested lists of positions (two or three
    numbers), features with a geometry, collections with lists. ``value`` has passed ``_check_json``, so
    the recursion is at most ``GEOJSON_MAX_DEPTH`` deep."""
    if not isinstance(value, dict) or value.get("type") not in _GEOJSON_TYPES:
        raise _geojson_error(_INVALID)
    kind = value["type"]
    if kind in _GEOMETRY_TYPES:
        if not isinstance(value.get("coordinates"), list):
            raise _geojson_error(_("Eine GeoJSON-Geometrie braucht Koordinaten."))
        if not _check_positions(value["coordinates"], _GEOMETRY_TYPES[kind]):
            raise _geojson_error(
                _(
                    "Die Koordinaten von %(type)s haben nicht die richtige Form. Eine Position besteht "
                    "aus zwei oder drei Zahlen, z. B. [7.01, 51.45]."
                ),
                type=kind,
            )
    elif kind == "GeometryCollection":
        if not isinstance(value.get("geometries"), list):
            raise _geojson_error(_("Eine GeoJSON-GeometryCollection braucht eine Liste 'geometries'."))
        for geometry in value["geometries"]:
            if not isinstance(geometry, dict) or geometry.get("type") not in _GEOMETRY_TYPES.keys() | {
                "GeometryCollection"
            }:
                raise _geojson_error(_INVALID)
            _check_geojson(geometry, inside=kind)
    elif kind == "Feature":
        if inside not in ("", "FeatureCollection"):
            raise _geojson_error(_INVALID)
        geometry = value.get("geometry")
        if not isinstance(geometry, dict | None):
            raise _geojson_error(_("Ein GeoJSON-Feature braucht eine Geometrie."))
        if geometry is not None:
            if geometry.get("type") in ("Feature", "FeatureCollection"):
                raise _geojson_error(_INVALID)
            _check_geojson(geometry, inside=kind)
    else:  # FeatureCollection
        if inside or not isinstance(value.get("features"), list):
            raise _geojson_error(_("Eine GeoJSON-FeatureCollection braucht eine Liste 'features'."))
        for feature in value["features"]:
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise _geojson_error(_INVALID)
            _check_geojson(feature, inside=kind)


def validate_geojson(value: object) -> None:
    """Accept empty values or a GeoJSON object (RFC 7946, structure only; any coordinate system).

    Refuses, with a German ``ValidationError`` and never another exception, whatever is not GeoJSON or
    would break storing or showing it: NaN and infinite numbers, NUL characters and lone surrogates,
    nesting deeper than ``GEOJSON_MAX_DEPTH``.
    """
    if value is None or (isinstance(value, str | dict) and not value):
        return
    _check_json(value)
    _check_geojson(value)
