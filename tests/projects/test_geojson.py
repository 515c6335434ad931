"""GeoJSON as users type or paste it (a quarter's boundary, a measure's location): whatever arrives, the
answer is a German message at the field, never a server error, and nothing is saved.

The measure editor's side is in ``tests/funding/test_views_measure_geojson.py``.
"""

import contextlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.fields import GeoJSONFormField
from projects.models import Quarter
from projects.validators import validate_geojson
from tests import factories as f

DEEP = 100_000

# JSON text that Python's reader turns into something no database stores or page prints, or that makes
# it fail with an error other than a JSON error. (label, text, part of the message)
BAD_TEXTS = [
    ("nan", '{"type": "Point", "coordinates": [NaN, 51.4]}', "ungültige Zahl"),
    ("infinity", '{"type": "Point", "coordinates": [7.0, Infinity]}', "ungültige Zahl"),
    ("minus-infinity", '{"type": "Point", "coordinates": [-Infinity, 51.4]}', "ungültige Zahl"),
    ("overflowing-float", '{"type": "Point", "coordinates": [1e999, 51.4]}', "ungültige Zahl"),
    ("nul", '{"type": "Feature", "geometry": null, "properties": {"name": "a\\u0000b"}}', "Nullzeichen"),
    ("lone-surrogate", '{"type": "Feature", "geometry": null, "properties": {"n": "\\ud800"}}', "Unicode"),
    ("deep-nesting", '{"type": "Point", "coordinates": ' + "[" * DEEP + "]" * DEEP + "}", "JSON"),
    ("deep-object", '{"type": "Feature", "properties": ' + '{"a": ' * 50 + "1" + "}" * 50 + "}", "Ebenen"),
    ("5000-digits", '{"type": "Point", "coordinates": [' + "1" * 5000 + ", 51.4]}", "zu große Zahl"),
    ("5000-digit-float", '{"type": "Point", "coordinates": [' + "1" * 5000 + ".5, 51.4]}", "ungültige Zahl"),
    ("text-as-coordinates", '{"type": "Point", "coordinates": ["sieben", "einundfünfzig"]}', "Koordinaten"),
    ("flat-polygon", '{"type": "Polygon", "coordinates": [7.0, 51.4]}', "Koordinaten"),
    ("not-an-object", "[1, 2]", "GeoJSON"),
]


# --- the validator and the form field, directly ----------------------------------------------------


@pytest.mark.parametrize(("label", "text", "message"), BAD_TEXTS, ids=[row[0] for row in BAD_TEXTS])
def test_form_field_refuses_bad_geojson_with_a_german_message(label, text, message):
    field = GeoJSONFormField(required=False)
    with pytest.raises(ValidationError) as error:
        field.clean(text)
    assert message in " ".join(error.value.messages), error.value.messages
    # Shown again as typed, without a crash.
    assert field.prepare_value(field.bound_data(text, None)) == text


@pytest.mark.parametrize(
    "value",
    [
        {"type": "Point", "coordinates": [float("nan"), 51.4]},
        {"type": "Point", "coordinates": [float("inf"), 51.4]},
        {"type": "Point", "coordinates": [10**5000, 51.4]},
        {"type": "Feature", "geometry": None, "properties": {"name": "a\x00b"}},
        {"type": "Feature", "geometry": None, "properties": {"name": "\ud800"}},
        {"type": "Feature", "geometry": None, "properties": {1: "a"}},
        {"type": "Feature", "geometry": None, "properties": {"set": {1, 2}}},
    ],
    ids=["nan", "infinity", "huge-int", "nul", "lone-surrogate", "int-key", "not-json"],
)
def test_validator_refuses_values_no_database_stores(value):
    with pytest.raises(ValidationError):
        validate_geojson(value)


def test_validator_refuses_deep_nesting_without_recursion():
    value: list = []
    for _ in range(DEEP):
        value = [value]
    with pytest.raises(ValidationError) as error:
        validate_geojson({"type": "Point", "coordinates": value})
    assert "zu tief verschachtelt" in error.value.messages[0]


@pytest.mark.parametrize(
    "value",
    [
        None,
        {},
        {"type": "Point", "coordinates": [7.01, 51.45]},
        {"type": "Point", "coordinates": [371234.5, 5701234.25, 80]},  # UTM from a GIS, with height
        {"type": "Polygon", "coordinates": [[[7.1, 51.5], [7.2, 51.5], [7.2, 51.6], [7.1, 51.5]]]},
        {"type": "MultiPolygon", "coordinates": [[[[7, 51], [8, 51], [8, 52], [7, 51]]]]},
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": [7, 51]}, "properties": {}},
                {"type": "Feature", "geometry": None, "properties": {"name": "Markt", "tags": [1, "a"]}},
            ],
        },
        {
            "type": "GeometryCollection",
            "geometries": [{"type": "LineString", "coordinates": [[7, 51], [8, 52]]}],
        },
    ],
)
def test_validator_accepts_geojson(value):
    validate_geojson(value)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from([float("nan"), float("inf"), "\ud800", "\x00"])
    | st.builds(pow, st.just(10), st.integers(4400, 5000)),  # too long to print (Python's limit)
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=5) | st.integers(), children, max_size=4)
    ),
    max_leaves=30,
)
GEOJSON_TYPES = ["Point", "MultiPoint", "LineString", "Polygon", "MultiPolygon", "GeometryCollection"]
GEOJSON_TYPES += ["Feature", "FeatureCollection", "Kreis"]
GEOJSON_LIKE = st.fixed_dictionaries(
    {"type": st.sampled_from(GEOJSON_TYPES)},
    optional={
        "coordinates": JSON_VALUES,
        "geometry": JSON_VALUES,
        "geometries": JSON_VALUES,
        "features": JSON_VALUES,
        "properties": JSON_VALUES,
    },
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON_VALUES | GEOJSON_LIKE)
def test_validator_only_ever_raises_validation_error(value):
    try:
        validate_geojson(value)
    except ValidationError:
        return
    # Accepted: then it can be written as JSON text, read back, and stored as UTF-8.
    json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")


JSON_TOKENS = [
    *('{"type": "Point", "coordinates": ', '{"type": "Feature", "properties": ', '"a": ', "null", "-"),
    *("[", "]", "{", "}", ",", "NaN", "Infinity", "1e999", "7.5", "1" * 5000, '"\\ud800"', '"\\u0000"'),
]
JSON_TEXTS = (
    st.text()
    | st.builds(json.dumps, st.recursive(st.none() | st.floats(allow_nan=False) | st.text(), st.lists))
    | st.lists(st.sampled_from(JSON_TOKENS), max_size=40).map("".join)
)


@settings(max_examples=400, deadline=None)
@given(text=JSON_TEXTS)
def test_form_field_only_ever_raises_validation_error(text):
    field = GeoJSONFormField(required=False)
    with contextlib.suppress(ValidationError):
        field.clean(text)
    field.prepare_value(field.bound_data(text, None))


# --- a quarter's boundary through the editor -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "text", "message"), BAD_TEXTS, ids=[row[0] for row in BAD_TEXTS])
def test_quarter_form_refuses_bad_geojson(client, edited_concept, label, text, message):
    concept, hallenbeck = edited_concept
    url = reverse("projects:quarter_create", kwargs={"slug": concept.slug})
    data = {"municipality": hallenbeck.pk, "code": "Q1", "name": "Innenstadt", "programme": "LZ"}
    response = client.post(url, {**data, "boundary": text, "order": "1"})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["boundary"])
    assert message in errors, errors
    assert not Quarter.objects.exists()

    quarter = f.make_quarter(concept, hallenbeck, code="Q2")
    url = reverse("projects:quarter_edit", kwargs={"slug": concept.slug, "pk": quarter.pk})
    response = client.post(url, {**data, "code": "Q2", "boundary": text, "order": "1", "version": 1})
    assert response.status_code == 200
    quarter.refresh_from_db()
    assert (quarter.boundary, quarter.version) == (None, 1)
