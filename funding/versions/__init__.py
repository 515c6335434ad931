"""Frozen KuF versions ("Stände") and the comparison of two KuF states.

Owns: ``services`` (freezing the current KuF under a name), ``selectors`` (reading a version back as KuF
rows; ``kuf_source``, the live KuF or a version, which every KuF page and export starts from),
``fingerprint`` (the hash of what a reviewer sees in a row), ``diff`` (pure: two states compared per
measure, year and column), and their pages (``forms``, ``views``).

May import: ``projects``, ``measures``, ``funding.models``, ``funding.access``, ``funding.kuf``.
"""
