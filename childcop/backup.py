"""Backups of the whole program, and restoring one: one archive, one command each.

    python manage.py backup [--output FILE]       # var/backups/childcop-<time>.tar.gz by default
    python manage.py restore FILE [--replace]

The archive (tar, gzip) holds ``manifest.json`` (the engine, when, the latest migration of
each app, how many communities, people, attendance records and stories), the database
and the uploaded files (``media/``, MEDIA_ROOT, when there are any):

- PostgreSQL: ``database.dump``, `pg_dump` in its custom format (a consistent snapshot
  while the product runs); restored with `pg_restore --clean --if-exists` in one transaction.
- SQLite: ``database.sqlite3``, a copy made with SQLite's online backup API (consistent
  while the product writes: it copies a snapshot, page by page); restored with the same API
  into the live file, so open connections see the restored program at their next query.

Restore refuses a database that already has people in it unless told `--replace`, and an
archive of another engine: move between engines with `dumpdata`/`loaddata` instead.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason in words."""


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def figures() -> dict:
    """What a restore must bring back, counted in the database."""
    from childcop.accounts.models import User
    from communities.models import Community
    from communities.rhythm.models import Attendance
    from value_stories.models import ValueStory

    return {
        "communities": Community.objects.count(),
        "people": User.objects.count(),
        "attendance": Attendance.objects.count(),
        "stories": ValueStory.objects.count(),
    }


def _pg_environment() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    try:
        result = subprocess.run(  # noqa: S603 — our own argument list, no shell
            command, env=env, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed (PostgreSQL's client programs)."
        ) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root and Path(root).is_dir() else None


def backup(output: Path) -> dict:
    """Write the archive to `output`; its manifest."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="childcop-backup-") as folder:
        folder = Path(folder)
        if engine() == "postgresql":
            args, env = _pg_environment()
            database = folder / PG_DUMP
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                  "--file", str(database), *args], env)  # fmt: skip
        else:
            database = folder / SQLITE_COPY
            connection.ensure_connection()
            target = sqlite3.connect(database)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        manifest = {
            "engine": engine(),
            "created": timezone.now().isoformat(),
            "migrations": dict(
                MigrationRecorder.Migration.objects.order_by("app", "applied").values_list(
                    "app", "name"
                )
            ),
            "figures": figures(),
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(database, arcname=database.name)
            media = _media_root()
            if media:
                archive.add(media, arcname="media")
        partial.replace(output)  # never a half-written archive under the final name
    return manifest


def read_manifest(archive_path: Path) -> dict:
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            return json.load(archive.extractfile(MANIFEST))
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive_path} is not a childcop backup ({error}).") from error


def restore(archive_path: Path, replace: bool = False) -> dict:
    """Restore the archive into the configured database (and MEDIA_ROOT); its manifest."""
    from childcop.accounts.models import User

    manifest = read_manifest(archive_path)
    if manifest["engine"] != engine():
        raise BackupError(
            f"This backup is of a {manifest['engine']} database and this one is {engine()}."
        )
    tables = connection.introspection.table_names()
    if not replace and User._meta.db_table in tables and User.objects.exists():
        raise BackupError(
            "This database already has people in it: restoring would replace everything. "
            "Run restore with --replace to do so."
        )
    with tempfile.TemporaryDirectory(prefix="childcop-restore-") as folder:
        folder = Path(folder)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(folder, filter="data")
        if engine() == "postgresql":
            args, env = _pg_environment()
            connection.close()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", *args, str(folder / PG_DUMP)], env)  # fmt: skip
        else:
            source = sqlite3.connect(folder / SQLITE_COPY)
            connection.ensure_connection()
            try:
                source.backup(connection.connection)
            finally:
                source.close()
        media = folder / "media"
        if media.is_dir() and getattr(settings, "MEDIA_ROOT", ""):
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest
