"""Faults of the production services, each made on services of the test's own.

The module builds one world (tests/faults.py): a copy of the test database — in a
PostgreSQL cluster of its own on PostgreSQL, a copy of the file on SQLite — a Redis server
of its own, and gunicorn with two workers on the production settings. The tests stop and
start those, never the suite's. What applies to the run's own engine and broker is tested:
a database restart and a statement timeout on PostgreSQL, a write lock held past the wait
on SQLite; a worker killed in the middle of a job on Redis or on the filesystem broker.
"""

import json
import os
import signal
import sqlite3
import time

import psycopg
import pytest
import requests
from celery import Celery
from django.conf import settings

from tests.faults import build_world, csrf, seed, timed, unseed
from tests.waits import wait_for

# The world is built from the migrated test database (so the module asks for it); the
# tests reach the world only over HTTP and through the processes they start.
pytestmark = pytest.mark.django_db

QUICKLY = 5  # seconds: a request during an outage answers within this


@pytest.fixture(scope="module")
def world(tmp_path_factory, django_db_setup, django_db_blocker):
    from django.db import connection

    broker = "redis" if settings.CELERY_BROKER_URL.startswith("redis") else "filesystem"
    with django_db_blocker.unblock():
        try:
            people = seed()
            world = build_world(
                tmp_path_factory.mktemp("faults"), dict(connection.settings_dict), broker
            )
        finally:
            unseed()
    world.people = people
    try:
        world.kill_me = world.worker("--pool=prefork", "--concurrency=1", FAULT_MAIL_DELAY=0.5)
        yield world
    finally:
        world.stop_all()


@pytest.fixture(scope="module")
def web(world):
    return world.web(
        CELERY_BROKER_URL=world.redis.url,
        DATABASE_STATEMENT_TIMEOUT=1000,
        DATABASE_CONNECT_TIMEOUT=2,
        DATABASE_SQLITE_TIMEOUT=1,
    )


@pytest.fixture(scope="module")
def coordinator(world, web):
    return web.signed_in(world.people["coordinator"], world.people["password"])


def test_the_services_failing_one_after_the_other(world, web, coordinator):
    """One test, so that one process builds the world (pytest-xdist may hand the tests of a
    module to different processes, and each would build its own). Each fault is a function
    below; the traceback names the one that failed."""
    a_worker_killed_mid_job_the_job_is_delivered_again_every_email_once(world)
    database_outage_answers_503_quickly_and_the_site_recovers(world, web, coordinator)
    a_statement_running_too_long_is_cut_and_the_worker_freed(world, web, coordinator)
    redis_down_pages_work_and_queued_work_is_kept_then_sent(world, web, coordinator)


def a_worker_killed_mid_job_the_job_is_delivered_again_every_email_once(world):
    """SIGKILL in the middle of a job (acks_late): the job is delivered again and
    completes; the emails sent before the kill are not sent again.

    On Redis the whole worker is killed (main process and pool, as when a machine or
    container dies): the job stays unacknowledged in Redis and, once its visibility timeout
    has passed, the next worker takes it (here after 2 s, sweeping every second). On the
    filesystem broker, which has no such timeout, the pool process running the job is
    killed: the worker rejects the job back to its queue (reject_on_worker_lost).
    """
    sender = Celery(broker=world.broker_url, set_as_current=False)
    redis = world.broker_url.startswith("redis")
    if not redis:
        folder = world.folder / "var" / "broker"
        for name in ("queue", "processed", "control"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        sender.conf.broker_transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "store_processed": False,
        }
    worker = world.kill_me
    # Explicitly to the world's broker (CELERY_BROKER_URL in the environment names the suite's).
    with sender.connection_for_write(world.broker_url) as connection:
        sender.send_task("communities.tasks.send_help_digests", connection=connection)
    expected = world.people["digest_to"]
    # Stop it once two of the job's seven emails are out.
    assert wait_for(lambda: len(world.emails()) >= 2, 60), world.folder / "worker.log"
    if redis:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)
        assert len(world.emails()) < len(expected), "the job ended before the worker was killed"
        assert world.redis.client().hlen("unacked") == 1  # held for a worker that is gone
        worker = world.worker("--pool=prefork", "--concurrency=1", FAULT_FAST_RESTORE=1)
    else:
        os.kill(_pool_child(worker.pid), signal.SIGKILL)
        assert len(world.emails()) < len(expected), "the job ended before the worker was killed"
    # Delivered again, it sends the rest: each person has one email.
    assert wait_for(lambda: len(world.emails()) >= len(expected), 60), world.emails()
    time.sleep(1)  # nothing more arrives
    assert sorted(world.emails()) == expected
    if not redis:
        log = (world.folder / "worker.log").read_text()
        assert "WorkerLostError" in log or "signal 9" in log
    os.killpg(worker.pid, signal.SIGKILL)  # done: it must not take the next tests' jobs


def ask_for_help(world, web, session, title):
    page = session.get(web.url + world.people["help_new_url"], timeout=10)
    return session.post(
        page.url,
        {"csrfmiddlewaretoken": csrf(session, page.text), "title": title, "challenge": "How?"},
        headers={"Referer": page.url},
        timeout=30,
        allow_redirects=False,
    )


def database_outage_answers_503_quickly_and_the_site_recovers(world, web, coordinator):
    page = web.url + world.people["community_url"]
    assert coordinator.get(page, timeout=10).status_code == 200

    if world.engine == "postgresql":
        world.cluster.stop()
        try:
            response, seconds = timed(coordinator.get, page, timeout=30)
            assert response.status_code == 503 and seconds < QUICKLY, (response, seconds)
            assert "busy or being restarted" in response.text
            assert response.headers["Retry-After"] == "30"
            health = requests.get(web.url + "/healthz", timeout=30)
            assert health.status_code == 503
            assert health.json()["database"].startswith("error")
            assert health.json()["broker"] == "ok"
        finally:
            world.cluster.start()
        # Both web processes reconnect by themselves: every request answers again.
        assert [coordinator.get(page, timeout=10).status_code for _ in range(6)] == [200] * 6
    else:
        # SQLite: another writer holds the write lock past the wait (1 s here): the write
        # answers the 503 page, not "database is locked"; reads go on; then the write lands.
        holder = sqlite3.connect(world.sqlite_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            response, seconds = timed(ask_for_help, world, web, coordinator, "While locked")
            assert response.status_code == 503 and seconds < QUICKLY, (response, seconds)
            assert "not saved" in response.text and "locked" not in response.text
            assert coordinator.get(page, timeout=10).status_code == 200
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert ask_for_help(world, web, coordinator, "After the lock").status_code == 302
    health = requests.get(web.url + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json()["database"] == "ok"


def a_statement_running_too_long_is_cut_and_the_worker_freed(world, web, coordinator):
    page = web.url + world.people["community_url"]
    if world.engine == "postgresql":
        # A lock that keeps the community page's first query waiting: the statement timeout
        # (1 s for these web processes) cuts it, and the worker serves the next request.
        with psycopg.connect(world.database_url, autocommit=False) as holder:
            holder.execute("LOCK TABLE communities_community IN ACCESS EXCLUSIVE MODE")
            responses = [timed(coordinator.get, page, timeout=30) for _ in range(3)]
            for response, seconds in responses:
                assert response.status_code == 503 and seconds < QUICKLY, (response, seconds)
            # Pages that do not need the locked table are served meanwhile.
            assert requests.get(web.url + "/healthz", timeout=10).status_code == 200
            holder.rollback()
        activity = psycopg.connect(world.database_url, autocommit=True).execute(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query ILIKE "
            "'%communities_community%' AND pid <> pg_backend_pid()"
        )
        assert activity.fetchone()[0] == 0  # nothing left running in the database
    else:
        # SQLite has no statement timeout; its wait for the write lock is the bound: a
        # request never waits past it, and the two workers stay free for others.
        holder = sqlite3.connect(world.sqlite_path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            for _ in range(3):
                response, seconds = timed(ask_for_help, world, web, coordinator, "Too long")
                assert response.status_code == 503 and seconds < QUICKLY, (response, seconds)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert [coordinator.get(page, timeout=10).status_code for _ in range(4)] == [200] * 4


def redis_down_pages_work_and_queued_work_is_kept_then_sent(world, web, coordinator):
    session, world_web = coordinator, web
    page = world_web.url + world.people["community_url"]
    world.redis.stop()
    try:
        assert session.get(page, timeout=10).status_code == 200
        health = requests.get(world_web.url + "/healthz", timeout=10)
        assert health.status_code == 503
        assert health.json()["database"] == "ok" and health.json()["broker"].startswith("error")
        # Adding a member queues their welcome email: the page answers, the job is kept.
        add = world_web.url + world.people["member_add_url"]
        form = session.get(add, timeout=10)
        response, seconds = timed(
            session.post,
            add,
            {"csrfmiddlewaretoken": csrf(session, form.text),
             "email": "newcomer@faults.example", "level": "occasional"},
            headers={"Referer": add}, timeout=30, allow_redirects=False,
        )  # fmt: skip
        assert response.status_code == 302 and seconds < QUICKLY, (response, seconds)
    finally:
        world.redis.start()
    # Redis is back: the job kept in the database is sent (beat does it every minute).
    drained = world.python(
        "import json\n"
        "from childcop.models import PendingTask\n"
        "from communities.tasks import send_pending_tasks\n"
        "kept = list(PendingTask.objects.values_list('name', flat=True))\n"
        "sent = send_pending_tasks()\n"
        "print(json.dumps([kept, sent, PendingTask.objects.count()]))",
        CELERY_BROKER_URL=world.redis.url,
    )
    kept, sent, left = json.loads(drained.strip().splitlines()[-1])
    assert kept == ["communities.tasks.notify_added_to_community"]
    assert sent == 1 and left == 0
    queued = world.redis.client().lrange("celery", 0, -1)
    assert len(queued) == 1 and b"notify_added_to_community" in queued[0]
    assert requests.get(world_web.url + "/healthz", timeout=10).status_code == 200


def _pool_child(pid: int) -> int:
    with open(f"/proc/{pid}/task/{pid}/children") as children:
        found = [int(child) for child in children.read().split()]
    assert found, "the worker has no pool process"
    return found[0]
