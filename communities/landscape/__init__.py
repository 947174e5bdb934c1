"""Who stays, and how the communities connect the organisation: retention cohorts, the core
group's trajectory, drifting regulars and the landscape of practice.

- `models`    departures (who left, so cohorts count them), the landscape's stored snapshot:
              its communities (nodes), their shared members (links) and the brokers' ties
- `services`  retention cohorts of a community, its core group's trajectory, drifting
              regulars, what a member took part in (aggregated in the database)
- `retention_parts`  a community's retention page from cached parts (the past, the
              settled part) and what was written since: cheap after an ordinary write
- `jobs`      the landscape of practice and the program's retention, computed in the
              background (communities.tasks.refresh_landscape) and stored
- `filters`   the landscape's filters (stage, domain, sponsor)
- `views`     the pages; their charts' geometry is childcop.charts (heatmap, network)
- `urls`      community-scoped `urlpatterns`, and `program_urlpatterns` under /program/
- `demo`      people shared across the demo communities
"""
