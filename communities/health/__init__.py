"""Health: is a community alive and creating value? Health checks, automatic indicators and
flags, monthly reports, the program overview and support requests to the social learning team.

- `models`      dimensions, health checks, their answers and ratings, status rows, report
                snapshots, support requests (app label `communities`)
- `choices`     the domain's vocabularies (success and failure factors, flags and their
                advice, support kinds and statuses)
- `forms`       opening a health check, a core group member's answer, support requests
- `filters`     the lists' filters: health checks, reports, the overview, the support queue
- `indicators`  automatic indicators and flags for a batch of communities, in a fixed
                number of queries per batch (`compute`)
- `services`    workflows: open/answer/close a health check and its result (`checks`),
                support requests and the queue's updates (`support`), frozen report
                snapshots and the program report (`reports`)
- `jobs`        what Celery tasks and commands run: health-check reminders, the status
                refresh, the monthly reports and their emails
- `views`       the pages (`indicators`, `checks`, `reports`, `overview`, `support`); their
                charts' geometry is childcop.charts (the radar, sparklines, bars)
- `urls`        community-scoped `urlpatterns`, and `program_urlpatterns` under /program/
- `demo`        demo health checks and reports
"""
