"""The KuF (Kosten- und Finanzierungsübersicht): its arithmetic, columns, checks, filters and loading.

Owns: ``arithmetic`` (pure: plain dataclasses of ``Decimal`` in, computed rows and tables out; no ORM,
no request), ``checks`` (pure plausibility checks on computed rows), ``filters`` (the KuF page's
filter form, applied to computed rows) and ``selectors`` (a concept's live rows from the database in a
fixed number of queries).

May import: ``projects``, ``measures``, ``funding.models``. Nothing else of ``funding``.

The package's own names are the arithmetic's (``from funding import kuf``; ``kuf.compute_row``), as
``django.db.models`` re-exports its fields.
"""

from .arithmetic import *  # noqa: F403
from .arithmetic import __all__  # noqa: F401
