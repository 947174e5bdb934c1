"""The health room's pages (function views, each declaring its HTTP methods).

- `indicators`  a community's health page: live indicators and flags
- `checks`      health checks: list, open, answer, result, close
- `reports`     a community's monthly reports, and the program reports (/program/reports/)
- `overview`    the program overview with its CSV export and "recompute now" (/program/)
- `support`     a coordinator's support request, and the team's queue (/program/support/)
"""
