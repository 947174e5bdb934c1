"""The audit log: who did what and when, for the actions that matter.

Other apps record an action with `audit.record(actor, action, target=..., ...)`; the entry
is written in the caller's transaction (so a rolled-back action leaves no entry) and is never
changed afterwards. The actions are `audit.choices.Action`.

A personal access token's creation (the API) records itself with::

    import audit
    audit.record(request.user, audit.Action.TOKEN_CREATED, target=token, detail="read: health")
"""


def record(actor, action, target=None, **fields):
    """Write one audit entry (see `audit.services.record`)."""
    from .services import record as write

    return write(actor, action, target, **fields)


def __getattr__(name):
    if name == "Action":
        from .choices import Action

        return Action
    raise AttributeError(name)
