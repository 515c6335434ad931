"""Everything that reads or writes a file of measures: the Excel/CSV import (upload, preview, apply) and
the admin's export of the measure list, in one workbook layout.

May import: ``projects``, ``measures``, ``funding.models``, ``funding.access``, ``funding.kuf``,
``funding.review``, ``funding.editor`` (the editor's validation rules).
"""
