"""Validators shared by every app (lowest app in the chain, so anyone may import them)."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.utils.translation import gettext_lazy as _

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

_GEOJSON_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
    "GeometryCollection",
    "Feature",
    "FeatureCollection",
}
_HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


def validate_geojson(value: object) -> None:
    """Accept empty values or a GeoJSON object with a known ``type`` (RFC 7946, structure only)."""
    if value in (None, "", {}):
        return
    if not isinstance(value, dict) or value.get("type") not in _GEOJSON_TYPES:
        raise ValidationError(
            _("Bitte gültiges GeoJSON angeben (ein Objekt mit einem Typ wie Point oder Polygon)."),
            code="geojson",
        )
    kind = value["type"]
    if kind == "Feature" and not isinstance(value.get("geometry"), dict | None):
        raise ValidationError(_("Ein GeoJSON-Feature braucht eine Geometrie."), code="geojson")
    if kind == "FeatureCollection" and not isinstance(value.get("features"), list):
        raise ValidationError(
            _("Eine GeoJSON-FeatureCollection braucht eine Liste 'features'."), code="geojson"
        )
    if kind not in {"Feature", "FeatureCollection", "GeometryCollection"} and not isinstance(
        value.get("coordinates"), list
    ):
        raise ValidationError(_("Eine GeoJSON-Geometrie braucht Koordinaten."), code="geojson")
