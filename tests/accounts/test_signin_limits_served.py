"""Sign-in limits served for real: gunicorn with three worker processes sharing the cache
(the file cache under var/ on the embedded defaults, Redis when the broker is Redis), behind
a trusted proxy (127.0.0.1 stands for it; 127.0.0.2 for anyone reaching the server directly).

- an office behind one address: 300 people sign in within the minute, all of them;
- guessing one account's password is stopped after five tries, though the tries land on all
  three workers and come from ever new addresses;
- the per-address limit counts the forwarded address through the trusted proxy, and the
  connection's own address from anywhere else, whatever X-Forwarded-For says.
"""

import http.client
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection

from childcop.accounts.models import User
from tests.conftest import PASSWORD
from tests.waits import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PROXY, DIRECT = "127.0.0.1", "127.0.0.2"
OFFICE = "203.0.113.10"  # the office's one public address, as the proxy forwards it
PEOPLE = 300


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((PROXY, 0))
        return s.getsockname()[1]


class Served:
    """gunicorn, three workers, the production settings; each request's worker is in the log."""

    def __init__(self, tmp_path: Path):
        self.port, self.log = free_port(), tmp_path / "access.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="tests.served_settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(40),
            DATABASE_URL=database_url(),
            CHILDCOP_TESTING="1",  # plain HTTP, static files uncollected
            CHILDCOP_VAR_DIR=str(tmp_path),  # the embedded file cache: var/cache
            CHILDCOP_TRUSTED_PROXIES=PROXY,
            EMAIL_URL="dummymail://",
            PYTHONPATH=str(ROOT),
        )
        if settings.CELERY_BROKER_URL.startswith("redis"):
            env.update(CACHE_URL=settings.CELERY_BROKER_URL, CACHE_KEY_PREFIX=tmp_path.name)
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        self.process = subprocess.Popen(  # noqa: S603
            [
                gunicorn,
                "childcop.wsgi",
                f"--bind={PROXY}:{self.port}",
                "--workers=3",
                "--preload",
                "--worker-tmp-dir=/dev/shm",
                f"--access-logfile={self.log}",
                "--access-logformat=%({x-attempt}i)s %(p)s",
                "--log-level=warning",
            ],  # fmt: skip
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / "server.log").open("w"),
            start_new_session=True,
        )

    def request(self, method, path, body=None, headers=None, source=PROXY):
        conn = http.client.HTTPConnection(PROXY, self.port, timeout=30, source_address=(source, 0))
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response, response.read().decode()
        finally:
            conn.close()

    def ready(self) -> bool:
        try:
            return self.request("GET", "/accounts/login/")[0].status == 200
        except OSError:
            return False

    def workers(self) -> dict[str, str]:
        """Which worker process answered each attempt (by its X-Attempt)."""
        lines = self.log.read_text().splitlines()
        return dict(line.split(" ", 1) for line in lines if not line.startswith("-"))

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def served(tmp_path_factory):
    # The server's var/ (its file cache) in memory where the machine has it: the same cache,
    # without the disk's cost of replacing a file (a few ms each on this machine's ext4).
    shm = Path("/dev/shm")
    tmp_path = (
        Path(tempfile.mkdtemp(dir=shm)) if shm.is_dir() else tmp_path_factory.mktemp("served")
    )
    server = Served(tmp_path)
    try:
        assert wait_for(server.ready, timeout=60), (tmp_path / "server.log").read_text()
        yield server
    finally:
        server.stop()
        shutil.rmtree(tmp_path, ignore_errors=True)


class Browser:
    """Sign-in forms as a person's browser posts them (one CSRF cookie reused)."""

    def __init__(self, served):
        self.served = served
        response, page = served.request("GET", "/accounts/login/")
        self.cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie"))[1]
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        self.attempts = 0

    def sign_in(self, email, password, forwarded_for=None, source=PROXY) -> str:
        self.attempts += 1
        attempt = f"{source}-{forwarded_for}-{email}-{self.attempts}-{secrets.token_hex(3)}"
        headers = {
            "Cookie": f"csrftoken={self.cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Attempt": attempt,
        }
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self.token, "login": email, "password": password}
        )
        response, page = self.served.request(
            "POST", "/accounts/login/", body, headers, source=source
        )
        if response.status == 302 and response.getheader("Location") == "/":
            answer = "signed-in"
        elif response.status == 200 and "Too many failed sign-in attempts" in page:
            answer = "refused"
        elif response.status == 200 and "password you specified are not correct" in page:
            answer = "wrong"
        else:
            answer = str(response.status)
        return f"{answer} {attempt}"


def answers(results):
    return Counter(result.split(" ")[0] for result in results)


def at_once(attempt, items, clients=3):
    """Each item's attempt, `clients` at a time: as many as the server has workers. (allauth
    counts under a lock in the cache and takes a lock not had within a second as a limit
    reached: on a machine loaded far beyond its cores, more clients than workers only queue
    up for the same lock.)"""
    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(attempt, items))


def test_limits_hold_across_three_workers_and_fit_an_office(served):
    hashed = make_password(PASSWORD)
    User.objects.bulk_create(
        User(email=f"person{i}@example.org", display_name=f"Person {i}", password=hashed)
        for i in range(PEOPLE)
    )
    User.objects.create(email="target@example.org", display_name="Target", password=hashed)
    browser = Browser(served)

    # 300 people of one office sign in within a minute, through the proxy, three at a time.
    started = time.monotonic()
    office = at_once(
        lambda i: browser.sign_in(f"person{i}@example.org", PASSWORD, OFFICE), range(PEOPLE)
    )
    assert answers(office) == {"signed-in": PEOPLE}
    assert time.monotonic() - started < 60

    # Someone guesses target's password from ever new addresses, three tries at a time:
    # five are checked in all, not five per worker; then even the right one is refused.
    guesses = at_once(
        lambda i: browser.sign_in("target@example.org", f"guess-{i}", f"198.51.100.{i}"),
        range(15),
    )
    assert answers(guesses) == {"wrong": 5, "refused": 10}
    assert browser.sign_in("target@example.org", PASSWORD, "198.51.100.99").startswith("refused")
    workers = served.workers()
    assert len({workers[o.split(" ")[1]] for o in office}) == 3  # three workers served
    refused_on = {workers[g.split(" ")[1]] for g in guesses if g.startswith("refused")}
    assert len(refused_on) >= 2, refused_on  # refused by workers that counted but a part

    # One address failing with many accounts: through the proxy, that address is stopped
    # at 60 failures a minute, and the office behind the same proxy is not.
    spray = at_once(
        lambda i: browser.sign_in(f"nobody{i}@example.org", "x", "192.0.2.66"), range(61)
    )
    assert answers(spray) == {"wrong": 60, "refused": 1}
    assert browser.sign_in("person0@example.org", PASSWORD, OFFICE).startswith("signed-in")

    # Reaching the server directly, claiming to be the office (or anyone): counted by its own
    # address, stopped at 60 whatever it claims, and the office is still not held.
    forged = at_once(
        lambda i: browser.sign_in(f"other{i}@example.org", "x", f"203.0.113.{i % 3 + 10}", DIRECT),
        range(61),
    )
    assert answers(forged) == {"wrong": 60, "refused": 1}
    assert browser.sign_in("person1@example.org", PASSWORD, OFFICE).startswith("signed-in")
