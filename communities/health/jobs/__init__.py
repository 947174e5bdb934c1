"""What the health room's Celery tasks (`communities.tasks`) and management commands run.
Each job is idempotent and batched (a fixed number of queries per batch of communities).

- `send_reminders`    (reminders) the health-check reminder to core group members who have
                      not answered an open check, once each; daily
- `refresh`           (status) the program overview's status rows: every community's latest
                      indicators and flags; hourly and on demand
- `generate_reports`  (reports) the monthly health reports and the program report, frozen
                      once, then emailed once each; daily (the first run of a month makes
                      them, later runs send what a mail failure left unsent)
"""

from .reminders import send_reminders
from .reports import generate_reports
from .status import refresh

__all__ = ["generate_reports", "refresh", "send_reminders"]
