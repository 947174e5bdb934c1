"""Shared fixtures: one user per role around one community, a logged-in client per role, and
a real Celery worker for the job tests."""

import os
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path

import pytest
from celery import states
from celery.contrib.testing.worker import start_worker
from celery.signals import before_task_publish, task_postrun
from django.conf import settings
from django.test import Client, RequestFactory

from childcop import permissions
from childcop.accounts.factories import ProgramAdminFactory, UserFactory
from communities.choices import Level
from communities.factories import CommunityFactory, CoordinatorFactory, MembershipFactory
from practice_groups.factories import GroupMembershipFactory, PracticeGroupFactory
from tests.waits import wait_for

PASSWORD = "a-test-password-42"  # noqa: S105
# The authenticator app of the program admins the tests make (base32, as an app is given).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

ROLES = ["anonymous", "outsider", "member", "core", "coordinator", "admin", "sponsor"]


@pytest.fixture
def community(db):
    return CommunityFactory(name="Data protection in practice", slug="data-protection")


@pytest.fixture
def admin_user(db):
    return ProgramAdminFactory(
        email="admin@example.org", password=PASSWORD, authenticator_app=TOTP_SECRET
    )


@pytest.fixture
def coordinator(community):
    return CoordinatorFactory(
        community=community, user=UserFactory(email="coordinator@example.org", password=PASSWORD)
    ).user


def _member(community, level, email):
    return MembershipFactory(
        community=community, level=level, user=UserFactory(email=email, password=PASSWORD)
    ).user


@pytest.fixture
def core_member(community):
    return _member(community, Level.CORE, "core@example.org")


@pytest.fixture
def member(community):
    return _member(community, Level.ACTIVE, "member@example.org")


@pytest.fixture
def outsider(db):
    return UserFactory(email="outsider@example.org", password=PASSWORD)


@pytest.fixture
def sponsor(community, admin_user):
    """A local sponsor officially appointed for the `community` fixture (not a member)."""
    from sponsorship.factories import SponsorAppointmentFactory

    appointment = SponsorAppointmentFactory(
        person=UserFactory(
            email="sponsor@example.org", display_name="Sam Sponsor", password=PASSWORD
        ),
        appointed_by=admin_user,
        communities=[community],
    )
    return appointment.person


@pytest.fixture
def group(community, users):
    """An active practice group of the community whose only member is the `member`."""
    group = PracticeGroupFactory(community=community, name="Consent that means something")
    GroupMembershipFactory(group=group, user=users["member"])
    return group


@pytest.fixture
def users(admin_user, coordinator, core_member, member, outsider, sponsor):
    """Every role around the `community` fixture; `anonymous` is None."""
    return {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "core": core_member,
        "coordinator": coordinator,
        "admin": admin_user,
        "sponsor": sponsor,
    }


def give_second_step(client, user):
    """Record in the client's session that `user` gave their second step, as allauth does
    when they enter the code of their authenticator app at sign-in (set up with TOTP_SECRET
    when they have none)."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = (
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        or TOTP.activate(user, TOTP_SECRET).instance
    )
    request = RequestFactory().get("/")
    request.user, request.session = user, client.session
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()
    return client


def client_for(user):
    """A client signed in as `user`; program admins (and staff) with their second step given,
    as they sign in (childcop.permissions.two_step)."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if user.is_staff or permissions.requires_two_step(user):
            give_second_step(client, user)
    return client


class SignedInClients(Mapping):
    """{role: client signed in as that role's user}, each signed in when first asked for:
    most tests use one or two of the seven, and signing in is most of a small test's time."""

    def __init__(self, users):
        self._users, self._signed_in = users, {}

    def __getitem__(self, role):
        if role not in self._signed_in:
            self._signed_in[role] = client_for(self._users[role])
        return self._signed_in[role]

    def __iter__(self):
        return iter(self._users)

    def __len__(self):
        return len(self._users)

    def sign_in_all(self):
        for role in self:
            self[role]


@pytest.fixture
def clients(users):
    return SignedInClients(users)


@pytest.fixture
def django_assert_num_queries(request, django_assert_num_queries):
    """pytest-django's, with every client of the test signed in beforehand: a query count
    never includes signing in."""
    if "clients" in request.fixturenames:
        request.getfixturevalue("clients").sign_in_all()
    return django_assert_num_queries


def bearer_tokens(users, areas=None):
    """{role: (token, plaintext)}: a personal access token of each signed-in role, reading
    `areas` (every area unless given)."""
    from childcop.api.choices import Area
    from childcop.api.models import ApiToken

    return {
        role: ApiToken.issue(user=user, name=f"{role}'s report", areas=areas or Area.values)
        for role, user in users.items()
        if user is not None
    }


# --- a real worker ------------------------------------------------------------------------


class RealWorker:
    """The running worker, as a test sees it: call it to enqueue a task on the worker's queue
    (`worker(task, *args)`); `idle()` waits until every task sent while it runs — by the test
    or by the product (`delay`, `delay_on_commit`) — has finished."""

    def __init__(self, queue: str):
        self.queue = queue
        self._lock = threading.Lock()
        self._pending: set[str] = set()

    def __call__(self, task, *args):
        return task.apply_async(args=args, queue=self.queue)

    def _sent(self, headers=None, body=None, **kwargs):
        task_id = (headers or {}).get("id") or (body or {}).get("id")
        with self._lock:
            self._pending.add(task_id)

    def _finished(self, task_id=None, state=None, **kwargs):
        if state != states.RETRY:  # a retry is sent again: it finishes later
            with self._lock:
                self._pending.discard(task_id)

    def idle(self, timeout: float = 60.0) -> bool:
        """True once every task sent has run to its end (succeeded or failed)."""
        return wait_for(lambda: not self._pending, timeout)


@pytest.fixture(scope="session")
def _worker_queue():
    """The real worker behind `worker`, started once per test process, the first time a test
    asks for it: two threads, consuming a queue of this process's own
    (`test-<xdist worker>-<pid>`), so that another test run, or another xdist worker, sharing
    the broker cannot take or drop our tasks. Yields the queue's name."""
    from childcop.celery import app

    queue = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    default_queue = app.conf.task_default_queue
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=2,
            queues=[queue],
            perform_ping_check=False,
            shutdown_timeout=30,
        ):
            yield queue
    finally:
        app.amqp.queues.select([default_queue])
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)


@pytest.fixture
def worker(_worker_queue):
    """A real Celery worker on the configured broker (filesystem or Redis), in this process.

    While the test runs, tasks are not run eagerly: every task sent — by the test
    (`worker(task, *args)`) or by the product (`delay`, `delay_on_commit`) — goes to the
    worker's queue, and two deliveries can run at the same time on its two threads. Tests
    that use it are transactional (`django_db(transaction=True)`): the worker's threads cannot
    see data inside a test's transaction. Yields a `RealWorker`; when the test ends, what it
    sent has finished (or is dropped), so nothing runs on into the next test.
    """
    from childcop.celery import app

    queue = _worker_queue
    eager, default_queue = app.conf.task_always_eager, app.conf.task_default_queue
    real = RealWorker(queue)
    before_task_publish.connect(real._sent, weak=False)
    task_postrun.connect(real._finished, weak=False)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield real
    finally:
        real.idle(timeout=30)
        before_task_publish.disconnect(real._sent)
        task_postrun.disconnect(real._finished)
        app.conf.task_default_queue = default_queue
        app.conf.task_always_eager = eager
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)


# The modules whose subject is what differs between the embedded defaults and the production
# services: the services failing, backup and restore, writes at once, mail and jobs on a real
# worker, one bad record in a batch, /healthz with the database and broker, the cached
# aggregates' generations (read as one array on PostgreSQL) and the value matrix's sums.
ENGINE_MODULES = {
    "tests/test_aggregates.py",
    "tests/test_warming.py",
    "tests/test_needs_where.py",
    "tests/value_stories/test_matrix.py",
    "tests/test_faults.py",
    "tests/test_backup.py",
    "tests/test_concurrent_writes.py",
    "tests/test_robustness.py",
    "tests/test_mail.py",
    "tests/test_worker.py",
    "tests/test_one_bad_record.py",
}


def exercises_the_engines(item) -> bool:
    """Whether the test's subject is what differs between SQLite with the filesystem broker
    and PostgreSQL with Redis: a real worker on the broker, the API (its cursors), or one of
    ENGINE_MODULES."""
    path = item.nodeid.split("::")[0]
    return (
        path in ENGINE_MODULES
        or path.startswith("tests/api/")
        or item.get_closest_marker("worker") is not None
    )


def pytest_collection_modifyitems(config, items):
    """Mark the tests CI's second run, on PostgreSQL and Redis, takes (`engines`; .ci/run):
    those that exercise what differs between the engines. The first run, on the embedded
    defaults, takes every test."""
    for item in items:
        if not item.get_closest_marker("e2e") and exercises_the_engines(item):
            item.add_marker(pytest.mark.engines)


def pytest_sessionfinish(session):
    """This process's folder under var/test/runs/ (its broker queue) goes with its session."""
    run_dir = Path(settings.VAR_DIR)
    if run_dir.parent.name == "runs" and run_dir.parent.parent.name == "test":
        shutil.rmtree(run_dir, ignore_errors=True)
