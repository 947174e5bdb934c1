"""Communities of practice: the core and its rooms.

The core, at this level: communities, objectives, the lifecycle stage history, memberships
and participation levels (`participation.py`), internal leadership roles, the community
page's cached summary (`summary.py`), and `tasks.py`, the app's one Celery tasks module
(task names are stored in beat schedules) for every room. The rooms, each with the role
names (`models`, `views`, `forms`, `filters`, `services`, `jobs`, `urls`, `demo`, …) and
models that keep the app label ``communities``:

- `rhythm/`: rhythms, sessions, activities, attendance and its import, heartbeat,
  calendar feeds, session reminders
- `learning/`: learning agenda and voting, help requests and learning loops, shared memory
- `stewardship/`: launch and renewal, PDCA reviews, closure, cultivation, coaching
- `health/`: health checks, indicators and flags, reports, the program overview, support
"""
