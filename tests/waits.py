"""Waiting on a condition instead of sleeping: tests poll what they expect to see."""

import time


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05) -> bool:
    """Poll until `predicate()` holds or `timeout` seconds pass; returns its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
