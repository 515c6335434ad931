"""The measure editor: one page with the profile, cost lines, financing modules and indicators; saving
them as one versioned change; the conflict when someone else saved meanwhile; the history.

``forms`` builds the page's forms, ``posted`` reads and rewrites the tables a page posts (refusing what
no page writes), ``submit`` handles one request from input to answer, ``services`` saves,
``selectors`` reads (totals, history, the conflict and its merge); ``views`` only parse and render.

May import: ``projects``, ``measures``, ``funding.models``, ``funding.access``, ``funding.kuf``,
``funding.review``, ``funding.programmes``.
"""
