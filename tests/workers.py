"""A real Celery worker for the job tests, on the configured broker (filesystem or Redis).

Each test module's `worker` fixture uses `real_worker(...)`: a worker with two threads (two
deliveries of a task can run at the same time) consuming a queue of its own, so that
another test run sharing the broker cannot take or drop our tasks. Tests that use it are
transactional: the worker's threads cannot see data inside a test's transaction.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time

from celery.contrib.testing.worker import start_worker
from django.db import connection

from childcop.celery import app


@contextlib.contextmanager
def real_worker(name: str, *, shutdown_timeout: float = 10):
    """Start a worker on the queue `test-<name>-<pid>`; yields the queue's name."""
    queue = f"test-{name}-{os.getpid()}"
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=2,
            queues=[queue],
            perform_ping_check=False,
            shutdown_timeout=shutdown_timeout,
        ):
            yield queue
    finally:
        app.amqp.queues.select([app.conf.task_default_queue])
        app.conf.task_always_eager = True
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)


def wait_for(predicate, timeout: float = 30.0) -> bool:
    """Poll until `predicate()` holds or `timeout` seconds pass; returns its last answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


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
