"""Health checks, indicators, flags and reports: is a community alive and creating value?

- `models`      dimensions, health checks and their answers, status rows, report snapshots
- `choices`     the domain's vocabularies (success and failure factors, flags)
- `indicators`  automatic indicators and flags for a batch of communities, in a fixed
                number of queries per batch
"""
