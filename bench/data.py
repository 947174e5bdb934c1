"""The benchmark's synthetic program, written to PostgreSQL in bulk (`make bench`).

`seed(scale)` builds, at scale 1: 500 communities, 30,000 people, about 75,000
memberships with levels and leadership roles, two years of rhythms, sessions and
activities with 1,000,000 attendance records, level changes, help requests and
answers, agenda items and voting rounds, practice groups with reports and responses,
20,000 value-creation stories with indicators and review history, sponsors (some
portfolio sponsors with many communities, a program-wide sponsor, local and domain
sponsors), SMEs, mentors, business cases, agreements with commitments, and quarterly
health checks with ratings. Scale 0.1 is the same program at one tenth.

Rows are made in Python from a seeded random generator (the same program every time)
with their ids, and streamed to the database with COPY, table by table in one
transaction; the sequences are moved past the ids at the end. Run inside Django
(bench.probe runs it in a subprocess pointed at the benchmark database). The figures
and names are in bench.figures; the generator's steps in bench.rows_communities and
bench.rows_program.

Who the benchmark times (the same people at both sizes):
- admin@bench.example.org: a program admin (the social learning team);
- coordinator@bench.example.org: coordinator of the biggest community (community 0),
  an active member of eleven more and coordinator of two others, a member of each since
  it began (nobody's newcomer: the same "Needs you" at both sizes, whatever the day);
- sponsor@bench.example.org: a portfolio sponsor of PORTFOLIO communities (the biggest
  included). A portfolio's size is the sponsor's, not the program's: the same at both
  sizes, so the dashboard's scale ratio measures the program's size alone.
"""

from __future__ import annotations

import json
import random
import time as _time
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from bench.figures import HISTORY_DAYS, sizes_for
from bench.rows_communities import CommunityRows
from bench.rows_program import ProgramRows


class Table:
    """Rows of one model, streamed with COPY. Columns not given get the field's default."""

    def __init__(self, model, columns, *, now):
        from django.db import models

        self.model = model
        self.columns = list(columns)
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(self.columns) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no {sorted(unknown)}")
        self.json_at = [
            i for i, c in enumerate(self.columns) if isinstance(fields[c], models.JSONField)
        ]
        self.per_row_columns, self.makers = [], []  # unique callable defaults: one per row
        self.static_columns, self.static = [], []
        for attname, field in fields.items():
            if attname in self.columns:
                continue
            if field.primary_key:
                raise ValueError(f"{model.__name__}: give the ids")
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default() and callable(field.default) and field.unique:
                self.per_row_columns.append(field.column)
                self.makers.append(field.default)
                continue
            elif field.has_default():
                value = field.default() if callable(field.default) else field.default
            elif field.null:
                value = None
            elif isinstance(field, (models.CharField, models.TextField)) and field.blank:
                value = ""
            else:
                raise ValueError(f"{model.__name__}.{attname} needs a value")
            if isinstance(field, models.JSONField):
                value = json.dumps(value)
            self.static_columns.append(field.column)
            self.static.append(value)
        self.static = tuple(self.static)
        self.rows = []

    def add(self, *values):
        self.rows.append(values)

    def write(self, cursor) -> int:
        """COPY the rows collected so far; return how many."""
        columns = [self.model._meta.get_field(c).column for c in self.columns]
        columns += self.per_row_columns + self.static_columns
        quoted = ", ".join(f'"{c}"' for c in columns)
        static, makers, json_at = self.static, self.makers, self.json_at
        with cursor.copy(f'COPY "{self.model._meta.db_table}" ({quoted}) FROM STDIN') as copy:
            for row in self.rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row((*row, *(make() for make in makers), *static))
        count = len(self.rows)
        self.rows = []
        return count


class Generator(CommunityRows, ProgramRows):
    """Builds the program in memory, one table after the other, and writes it."""

    def __init__(self, scale: float, *, seed: int = 2026):
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        self.rng = random.Random(seed)  # noqa: S311 — benchmark data
        self.scale = scale
        self.size = sizes_for(scale)
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = self.now.date()
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.unusable = make_password(None)
        self.counts: dict[str, int] = {}
        self.ids: dict[str, int] = defaultdict(int)

    # --- plumbing -------------------------------------------------------------------

    def next_id(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name]

    def table(self, model, columns):
        return Table(model, columns, now=self.now)

    def flush(self, cursor, *tables) -> None:
        for table in tables:
            n = table.write(cursor)
            key = table.model._meta.label
            self.counts[key] = self.counts.get(key, 0) + n

    def at(self, day: date, hour: int = 16) -> datetime:
        return datetime.combine(day, time(hour, 0), tzinfo=UTC)

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    # --- the program ----------------------------------------------------------------

    def run(self, cursor, *, log=None) -> dict:
        steps = [
            self.people, self.communities, self.memberships, self.rhythm_and_activities,
            self.attendance, self.level_changes, self.agenda_and_loops, self.practice_groups,
            self.stories, self.sponsorship, self.health, self.stewardship, self.reset_sequences,
        ]  # fmt: skip
        for step in steps:
            started = _time.perf_counter()
            step(cursor)
            if log:
                log(f"  {step.__name__.replace('_', ' ')}: {_time.perf_counter() - started:.1f} s")
        return self.counts


def _foreign_keys():
    """(table, column, referenced table, referenced column) of every foreign key we write."""
    from django.apps import apps

    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                target = field.target_field
                yield (
                    model._meta.db_table,
                    field.column,
                    target.model._meta.db_table,
                    target.column,
                )


def check_foreign_keys(cursor) -> None:
    """Every reference points at a row: one anti-join per foreign key (what PostgreSQL does
    when it validates a constraint), instead of a trigger per inserted row."""
    broken = []
    for table, column, target, target_column in _foreign_keys():
        sql = (
            f'SELECT count(*) FROM "{table}" t LEFT JOIN "{target}" r '  # noqa: S608 — model names
            f'ON r."{target_column}" = t."{column}" '
            f'WHERE t."{column}" IS NOT NULL AND r."{target_column}" IS NULL'
        )
        cursor.execute(sql)
        (n,) = cursor.fetchone()
        if n:
            broken.append(f"{table}.{column}: {n}")
    if broken:
        raise RuntimeError("Broken references in the generated data: " + ", ".join(broken))


def seed(scale: float, *, log=None) -> dict:
    """Write the program at `scale` into the (empty, migrated) database; return row counts.

    The rows are copied with the foreign-key triggers off (session_replication_role =
    replica, for a superuser; otherwise they stay on), then every foreign key is checked
    with one query; VACUUM ANALYZE leaves the tables as a long-running database has them.
    """
    from django.db import DatabaseError, connection, transaction

    generator = Generator(scale)
    started = _time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        fast = True
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            fast = False
        counts = generator.run(cursor.cursor, log=log)
        if fast:
            checked = _time.perf_counter()
            cursor.execute("SET LOCAL session_replication_role = origin")
            check_foreign_keys(cursor)
            if log:
                log(f"  foreign keys checked: {_time.perf_counter() - checked:.1f} s")
    if log:
        log(f"  written and committed: {_time.perf_counter() - started:.1f} s")
    started = _time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    if log:
        log(f"  vacuum analyze: {_time.perf_counter() - started:.1f} s")
    return counts
