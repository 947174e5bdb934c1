"""Stewardship views, one module per area: `launch` (launch and renewal plans, their steps
and the program's list of launches), `reviews` (plan–do–check–act reviews and the program's
reviews due), `closure` (closing a community, its legacy), `cultivation` (the quarterly
checklist and coaching) and `moved` (permanent redirects from pages' old addresses)."""
