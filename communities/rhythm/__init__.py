"""The rhythm room: a community's rhythm and what is logged against it.

- `models.py`: rhythms (a recurrence rule), their sessions, activities with their outputs
  and attendance, and attendance imports (app label ``communities``).
- `services/`: recurrence and session occurrences, the heartbeat's figures and logging an
  activity (`__init__`); the calendar feeds' iCalendar events and addresses (`feeds`);
  the attendance import's parsing, matching and applying (`attendance_import`).
- `views.py`, `forms.py`, `filters.py`, `urls.py`: the rhythm page, sessions, the activity
  log, the attendance import (upload → preview → confirm), the calendar feeds and their
  revocation, and the one-click unsubscribe from session reminders (the feed and
  unsubscribe addresses are routed in `childcop/urls.py`).
- `jobs.py`: what `communities.tasks` and the management commands call: session reminders,
  missed-heartbeat warnings, and the invitations of people an attendance import created.
- `demo.py`: twelve months of rhythm for `seed_demo`; `admin.py`: the admin pages.
"""
