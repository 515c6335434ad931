"""Funding programmes (kept by admins) and the municipalities' funding rates per programme and year
(kept by editors), with their pages.

May import: ``projects``, ``funding.models``, ``funding.access``, ``funding.kuf``, ``funding.review``
(to announce sign-offs that a rate change resets).
"""
