"""Stewardship: how a community is launched, renewed, reviewed, cultivated and closed.

- `models.py`: launch and renewal plans (conversations, leader candidates, action items),
  plan–do–check–act reviews, the legacy of a closed community, the quarterly cultivation
  checklist and coaching sessions (app label `communities`).
- `views/`: `launch.py` (plans, their four steps, the launch process and the program's
  list of launches), `reviews.py` (review history, writing a review, the program's reviews
  due), `closure.py` (closing a community, its legacy), `cultivation.py` (the checklist,
  the coaching log) and `moved.py` (redirects from the program pages' old addresses).
- `forms.py`, `filters.py` (the launches list), `services.py` (progress and stalled plans,
  opening and completing plans, closure, the checklist), `jobs.py` (overdue launch actions,
  stalled launches, reviews falling due: called by `communities.tasks` and the commands
  `remind_overdue_launch_actions`, `send_stalled_launches`, `remind_pdca_reviews`),
  `demo.py` (demo data, called by `seed_demo`) and `urls.py` (the community pages under
  `/communities/<slug>/`, the program pages under `/program/`).
"""
