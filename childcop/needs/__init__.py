""" "Needs you": what waits for a person, built from the state of the program.

Not a log of events: every item is a question asked of the data now ("which open health
checks of my core groups have no answer of mine?"), so an item disappears as soon as the
thing is done, whoever or whatever did it. `build(user)` returns the items (`Need`), one
role section after the other (`childcop.needs.roles`: newcomer, member, core group,
coordinator, launch work, sponsor, program admin); `grouped(needs)` makes the home page's
groups, most urgent first.

Cost: a constant number of SQL queries per role the person holds, whatever the number of
their communities (each section asks one query per kind of item, scoped by the ids of the
person's communities; counts are window aggregates in the database). Links go only to
what the person may see: a section asks only about communities the person belongs to (or
sponsors, or, for the social learning team, the whole program), the same scopes as
`childcop.permissions`.
"""

from .items import Group, Need, Urgency, grouped
from .roles import KEPT_MINUTES, build, for_person, home_memberships, memberships_of, token_names

__all__ = [
    "KEPT_MINUTES",
    "Group",
    "Need",
    "Urgency",
    "build",
    "for_person",
    "grouped",
    "home_memberships",
    "memberships_of",
    "token_names",
]
