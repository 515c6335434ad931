"""The workbook's measure columns and the editor's profile fields are one list seen twice: every column
of the sheet "Maßnahmen" is a profile field or relation the editor saves, and every profile field is a
column, except the ones a workbook cannot carry. Adding a profile field thereby needs a decision here."""

from funding.exchange.layouts import MEASURE_LAYOUT
from measures.services import MEASURE_PROFILE_FIELDS, MEASURE_RELATIONS

# A location is a geometry, an image's alt text belongs to its image, related measures link rows of
# the same sheet: none of them fits a cell.
NOT_IN_WORKBOOK = {"location", "image_alt", "related"}
ONLY_IN_WORKBOOK = {"uid"}  # the stable id that matches a row to its measure


def test_every_profile_field_is_a_column_and_every_column_a_profile_field():
    columns = {column.key for column in MEASURE_LAYOUT.columns}
    profile = set(MEASURE_PROFILE_FIELDS) | set(MEASURE_RELATIONS)
    assert columns - ONLY_IN_WORKBOOK == profile - NOT_IN_WORKBOOK
