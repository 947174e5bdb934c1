"""The health room's workflows (each one transaction) and what they compute.

- `checks`   open, answer and close a health check; combine its answers into the result
- `support`  ask the social learning team for support; the queue's assign/status/note update
- `reports`  freeze the monthly report snapshots and the program report; read them back
"""
