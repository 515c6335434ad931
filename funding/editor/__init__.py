"""The measure editor: one page with the profile, cost lines, financing modules and indicators; saving
them as one versioned change; the conflict when someone else saved meanwhile; the history.

May import: ``projects``, ``measures``, ``funding.models``, ``funding.access``, ``funding.kuf``,
``funding.review``, ``funding.programmes``.
"""
