"""Sponsorship and the support structure of the program.

Sponsors, SMEs, mentors and young leaders are identified, officially appointed and ended
(appointments); mentors and mentees meet in mentoring pairs and note their check-ins;
the advisory and coordinator councils list their members. Each community answers its
sponsor's questions in a versioned business case, which sponsors comment on or endorse,
and keeps an agreement with its sponsor(s): commitments of each side and a review date.
Sponsors follow their communities on the sponsor dashboard.

- `models.py`, `choices.py` (vocabularies, workflow tables, the business case questions),
  `admin.py`
- `views/` the pages, one module per area (`appointments`, `mentoring`, `cases`,
  `agreements`, `dashboard`: the sponsor dashboard); `urls.py` all of them
- `forms.py`, `filters.py` (the appointments' and mentoring pairs' lists)
- `services.py` the workflows (appointments, check-ins, the business case, the agreement),
  each one transaction
- `jobs.py` the emails (business case submitted, agreement review reminders) that the
  Celery tasks (`tasks.py`) and the command `send_review_reminders` call
- `demo.py` the demo support structure, seeded by `seed_demo`
- `factories.py` factory-boy factories for the tests
"""
