"""Waiting on a condition instead of sleeping, and running a function in threads at once."""

import threading
import time

from django.db import connection


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.05) -> bool:
    """Poll until `predicate()` holds or `timeout` seconds pass; returns its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def started_together(monkeypatch, module, name, timeout: float = 20.0) -> threading.Barrier:
    """Make `module.name` wait until two calls have begun, so that two deliveries of a job
    (one on each worker thread) run it at the same moment; the barrier, to check that both
    did start."""
    real, barrier = getattr(module, name), threading.Barrier(2, timeout=timeout)

    def together(*args, **kwargs):
        barrier.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, together)
    return barrier


def at_once(function, n: int = 2, timeout: float = 60.0) -> tuple[list, list]:
    """Run `function()` in `n` threads that start together; returns (results, errors).

    Each thread closes its own database connection when done.
    """
    barrier = threading.Barrier(n, timeout=timeout)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(function())
        except Exception as error:  # noqa: BLE001 — returned to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results, errors
