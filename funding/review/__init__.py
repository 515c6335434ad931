"""The KuF page and its review: the table as reviewers and editors see it, sign-offs per municipality,
comments on rows, and the notice an editor gets when a change resets a sign-off.

May import: ``projects``, ``measures``, ``funding.models``, ``funding.access``, ``funding.kuf``,
``funding.versions``.
"""
