"""Everything that reads or writes a file of measures: the Excel/CSV import (upload, preview, apply), the
editor's measure list and the admin's export of it, all in one workbook layout.

Other code uses the import through ``imports`` (``read_upload``, ``import_plan``, ``import_apply``,
``export_tables``, the layout names); the modules behind it, each owning one step:

- ``layouts``: the one description of the workbook (sheets, columns, headers, kinds, length limits,
  number formats and widths, labels of choices).
- ``tables``: what a read file becomes (``Table``, ``ParsedFile``) and the messages about it.
- ``reading``: a file (.xlsx or .csv) into tables, with the limits that keep a hostile file cheap.
- ``cells``: one cell in its column's kind and limits, or a message (a reader made once per column).
- ``state``: the concept as the import compares with it, loaded in a fixed number of queries, and the
  hash of what a plan depends on (``state_basis``).
- ``plan``: the preview's result, the plan as kept until confirmation (``StoredPlan``) and what its
  planners share; ``plan_measures``, ``plan_costs``, ``plan_modules``: one planner per sheet;
  ``planning``: ``import_plan``, running them.
- ``applying``: ``import_apply``, the stored plan written with its history; ``bulk``: the bulk
  statements it writes with (by id, from plain values; history records copied in the database).
- ``exporting``: the concept's rows in the layout, and the measure list as a workbook.
- ``resources``: the admin's export (django-import-export); ``views``, ``forms``: the import's pages.

May import: ``projects``, ``measures``, ``funding.models``, ``funding.access``, ``funding.kuf``,
``funding.review``, ``funding.editor`` (the editor's validation rules).
"""
