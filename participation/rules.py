"""Permissions of participation, as ``rules`` predicates (roles: see ``projects/rules.py``).

============================  =======================================================================
``participation.moderate``    publish or reject residents' comments and answer them (object: the
                              concept): moderator, admin
============================  =======================================================================
"""

import rules

from projects.rules import is_admin, is_moderator

rules.add_perm("participation.moderate", is_moderator | is_admin)
