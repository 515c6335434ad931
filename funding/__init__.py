"""Funding: programmes and rates, the costs and financing of measures, and the KuF built from them.

The app sits above ``projects`` and ``measures`` and below ``participation``; it never imports
``participation`` or ``ihk``. At the top level are what Django looks for (``models``, ``admin``,
``urls``, ``apps``), the permission rules (``rules``) and the access helpers (``access``). Everything
else lives in sub-packages named by what they own, each importing only those listed before it:

- ``kuf``: the arithmetic of the KuF (pure), its column spec, checks and filters, and loading a
  concept's live rows.
- ``versions``: frozen KuF versions (freeze, read back, fingerprint) and the comparison of two states.
- ``review``: the KuF page as reviewers and editors see it, sign-offs and row comments.
- ``programmes``: funding programmes and the municipalities' rates.
- ``editor``: the measure editor (forms, saving, conflicts, history).
- ``exchange``: everything that reads or writes a file (the Excel/CSV import, the measure list).
"""
