"""Demo data for ``make run`` and the tests: the two concepts of DOMAIN.md ("Demo data"), kept as data
files and loaded through the same services a user's work goes through.

- ``data/shared.yaml``: municipalities with their funding rates, organisations, the demo users and their
  roles.
- ``data/<slug>.yaml``: one concept's texts and structure (vision, municipalities, quarters, action
  fields with goals, SWOT, approval notices, residents' comments), what its measure lists cannot hold
  (locations, related measures, indicators) and the order in which its measure lists are imported and
  its KuF versions frozen.
- ``data/<slug>-massnahmen*.xlsx``: the measure lists in the layout the app exports at
  ``/konzepte/<slug>/massnahmen.xlsx`` and its import reads (sheets "Maßnahmen", "Kostenzeilen",
  "Finanzierung").

``loader`` reads them. The package lives in ``ihk`` (the composition root) because it writes to every app.
"""

from .loader import (
    DEMO_PASSWORD_PREFIX,
    IIHK_SLUG,
    RHEINWERTH_SLUG,
    USERS,
    DemoDataError,
    DemoLogin,
    DemoResult,
    DemoUser,
    demo_load,
    demo_logins,
    demo_password,
)

__all__ = [
    "DEMO_PASSWORD_PREFIX",
    "IIHK_SLUG",
    "RHEINWERTH_SLUG",
    "USERS",
    "DemoDataError",
    "DemoLogin",
    "DemoResult",
    "DemoUser",
    "demo_load",
    "demo_logins",
    "demo_password",
]
