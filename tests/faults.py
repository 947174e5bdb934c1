"""The world of the fault tests: services of their own that a test may stop and start.

A fault test never stops the suite's database or broker. `World` is a copy of the suite's
test database (a PostgreSQL cluster of its own on a free port, on PostgreSQL; a copy of the
file, on SQLite), a Redis server of its own on a free port, and the production settings
pointed at them (tests/fault_settings.py) for the processes it starts: gunicorn, Celery
workers, one-off commands.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

import requests

from tests.waits import wait_for

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL's server programs refuse to run as root: run them as `postgres`."""
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


def _pg_bin(name: str) -> str:
    found = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name) or name


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (initdb in a temporary folder, a free port)."""

    def __init__(self):
        # A folder of its own under the system's temporary folder: the `postgres` user must
        # reach it (pytest's temporary folders are private to the user running the tests).
        self.folder = folder = Path(tempfile.mkdtemp(prefix="childcop-faults-pg-"))
        self.data = folder / "pgdata"
        self.port = free_port()
        if os.getuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        subprocess.run(
            _as_postgres(
                [_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                 "-E", "UTF8", "--no-sync", "--locale=C"]
            ),
            check=True, capture_output=True,
        )  # fmt: skip

    def start(self):
        subprocess.run(
            _as_postgres(
                [_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-t", "30", "-l",
                 str(self.folder / "server.log"), "-o",
                 f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                 "-c full_page_writes=off -c synchronous_commit=off",
                 "start"]
            ),
            check=True, capture_output=True,
        )  # fmt: skip

    def stop(self):
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip

    def remove(self):
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
            check=False, capture_output=True,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database="childcop") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def ready(self) -> bool:
        result = subprocess.run(
            [_pg_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port), "-t", "1"],
            check=False,
        )
        return result.returncode == 0


class RedisServer:
    """A Redis server of the test's own, on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_for(self.ready, 10), "the test's Redis server did not start"

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_connect_timeout=1)

    def ready(self) -> bool:
        try:
            return self.client().ping()
        except Exception:  # noqa: BLE001
            return False


@dataclass
class World:
    folder: Path
    engine: str  # "postgresql" or "sqlite"
    database_url: str
    redis: RedisServer
    broker_url: str
    cluster: PostgresCluster | None = None
    sqlite_path: Path | None = None
    processes: list = field(default_factory=list)

    @property
    def mail_dir(self) -> Path:
        return self.folder / "mail"

    def env(self, **extra) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "DJANGO_", "CELERY_", "DATABASE_", "CHILDCOP_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="tests.fault_settings",
            DJANGO_DEBUG="0",
            CHILDCOP_TESTING="1",
            CHILDCOP_VAR_DIR=str(self.folder / "var"),
            DATABASE_URL=self.database_url,
            CELERY_BROKER_URL=self.broker_url,
            FAULT_MAIL_DIR=str(self.mail_dir),
            PYTHONPATH=str(ROOT),
        )
        env.update({key: str(value) for key, value in extra.items()})
        return env

    def python(self, code: str, **env) -> str:
        """Run `code` in a fresh process on the world's settings; its standard output."""
        result = subprocess.run(
            [PYTHON, "-c", f"import django; django.setup()\n{code}"],
            cwd=ROOT, env=self.env(**env), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def start(self, command: list[str], log: str, **env) -> subprocess.Popen:
        """A long-running process in a session of its own (so its children stop with it)."""
        with open(self.folder / log, "ab") as output:
            process = subprocess.Popen(
                command, cwd=ROOT, env=self.env(**env), start_new_session=True,
                stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.processes.append(process)
        return process

    def web(self, workers: int = 2, **env) -> Web:
        port = free_port()
        process = self.start(
            [str(BIN / "gunicorn"), "childcop.wsgi", f"--bind=127.0.0.1:{port}",
             f"--workers={workers}", "--timeout=30", "--graceful-timeout=5", "--preload"],
            "web.log", **env,
        )  # fmt: skip
        web = Web(f"http://127.0.0.1:{port}", process)
        assert wait_for(web.up, 30), (self.folder / "web.log").read_text()[-3000:]
        return web

    def worker(self, *options, **env) -> subprocess.Popen:
        return self.start(
            [str(BIN / "celery"), "--app=childcop", "worker", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", *options],
            "worker.log", **env,
        )  # fmt: skip

    def sql(self, statement: str) -> None:
        """Run one statement on the world's database, outside any process of the product."""
        if self.engine == "sqlite":
            with contextlib.closing(sqlite3.connect(self.sqlite_path)) as db, db:
                db.execute(statement)
        else:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as db:
                db.execute(statement)

    def emails(self) -> list[str]:
        """The recipients of every email written so far, one entry per message."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")) if self.mail_dir.exists() else []:
            found += re.findall(r"^To: (.+)$", path.read_text(errors="replace"), re.M)
        return found

    def stop_all(self):
        for process in self.processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        self.processes.clear()
        self.redis.stop()
        if self.cluster:
            self.cluster.remove()


class Web:
    def __init__(self, url: str, process):
        self.url = url
        self.process = process

    def up(self) -> bool:
        with contextlib.suppress(requests.RequestException):
            requests.get(self.url + "/accounts/login/", timeout=2)
            return True
        return False

    def signed_in(self, email: str, password: str) -> requests.Session:
        session = requests.Session()
        page = session.get(self.url + "/accounts/login/", timeout=10)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = session.post(
            self.url + "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": email, "password": password},
            headers={"Referer": self.url + "/accounts/login/"},
            timeout=10,
        )
        assert response.status_code == 200 and "Sign out" in response.text, response.text[:500]
        return session


def csrf(session: requests.Session, page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def build_world(folder: Path, connection_settings: dict, broker: str) -> World:
    """A copy of the (migrated) test database and a Redis server, both the test's own.

    `broker` is "redis" (the world's Redis server) or "filesystem" (kombu's folders under
    the world's var/), as the suite's own run uses.
    """
    folder.mkdir(parents=True, exist_ok=True)
    redis = RedisServer(folder / "redis")
    redis.start()
    broker_url = redis.url if broker == "redis" else "filesystem://"
    if connection_settings["ENGINE"].endswith("sqlite3"):
        path = folder / "world.sqlite3"
        source = sqlite3.connect(connection_settings["NAME"])
        target = sqlite3.connect(path)
        source.backup(target)
        source.close()
        target.close()
        return World(folder, "sqlite", f"sqlite:///{path}", redis, broker_url, sqlite_path=path)
    cluster = PostgresCluster()
    cluster.start()
    source = (
        f"postgres://{connection_settings['USER'] or 'postgres'}@{connection_settings['HOST']}"
        f":{connection_settings['PORT'] or 5432}/{connection_settings['NAME']}"
    )
    subprocess.run(
        [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
         "childcop"], check=True, capture_output=True,
    )  # fmt: skip
    dump = subprocess.run(
        [_pg_bin("pg_dump"), "-Fc", "--no-owner", "--no-privileges", source],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [_pg_bin("pg_restore"), "--no-owner", "--no-privileges", "-d", cluster.url()],
        input=dump.stdout, check=True, capture_output=True,
    )  # fmt: skip
    return World(folder, "postgresql", cluster.url(), redis, broker_url, cluster=cluster)


PASSWORD = "a-fault-test-password-42"  # noqa: S105


def seed() -> dict:
    """The fault tests' people, in the suite's test database (copied into the world, then
    removed with `unseed`): a coordinator, six members, a help request from yesterday (the
    daily digest emails the other six people), someone to add."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from childcop.accounts.factories import UserFactory
    from communities.factories import (
        CommunityFactory,
        CoordinatorFactory,
        HelpRequestFactory,
        MembershipFactory,
    )

    community = CommunityFactory(name="Safeguarding in practice", slug="safeguarding")
    coordinator = CoordinatorFactory(
        community=community,
        user=UserFactory(email="coordinator@faults.example", password=PASSWORD),
    ).user
    members = [
        MembershipFactory(
            community=community, user=UserFactory(email=f"member{i}@faults.example")
        ).user
        for i in range(6)
    ]
    UserFactory(email="newcomer@faults.example")
    HelpRequestFactory(
        community=community, asker=members[0], created_at=timezone.now() - timedelta(days=1)
    )
    return {
        "password": PASSWORD,
        "coordinator": coordinator.email,
        "digest_to": sorted([coordinator.email] + [m.email for m in members[1:]]),
        "community_url": reverse("communities:detail", args=[community.slug]),
        "member_add_url": reverse("communities:member_add", args=[community.slug]),
        "help_new_url": reverse("communities:help_create", args=[community.slug]),
    }


def unseed():
    from childcop.accounts.models import User
    from communities.models import Community

    Community.objects.filter(slug="safeguarding").delete()
    User.objects.filter(email__endswith="@faults.example").delete()


def timed(function, *args, **kwargs):
    """(result, seconds) of one call."""
    start = time.monotonic()
    result = function(*args, **kwargs)
    return result, time.monotonic() - start
