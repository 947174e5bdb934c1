"""The items of "Needs you" and their groups (plain data: the templates draw them)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

# How many items of one kind are listed; the rest is counted, with a link to the full list.
SHOWN = 5


class Urgency(IntEnum):
    """Most urgent first: a date passed, then due soon, then someone waiting, then a chance."""

    OVERDUE = 0
    DUE = 1
    WAITING = 2
    OPEN = 3

    @property
    def label(self) -> str:
        return {0: "Overdue", 1: "Due soon", 2: "Waiting for you", 3: "When you can"}[self]


@dataclass(frozen=True)
class Need:
    """One line of "Needs you": `text`, then the action (`action`, a link to `url`).

    `kind` names what it is (one group per kind, titled `group`); `count` is how many
    things the line stands for (a line "and 4 more" stands for 4); `due` the date it is
    due, shown and used to order items of the same urgency.
    """

    kind: str
    group: str
    role: str
    urgency: Urgency
    text: str
    url: str
    action: str
    count: int = 1
    due: date | None = None

    @property
    def order(self):
        return (self.urgency, self.due or date.max)


@dataclass(frozen=True)
class Kind:
    """What an item is: its key, the title of its group, the role it is shown for. Calling it
    makes one of its items."""

    key: str
    group: str
    role: str

    def __call__(self, text, url, action, *, urgency=Urgency.WAITING, count=1, due=None) -> Need:
        return Need(
            kind=self.key,
            group=self.group,
            role=self.role,
            urgency=urgency,
            text=text,
            url=url,
            action=action,
            count=count,
            due=due,
        )


@dataclass
class Group:
    kind: str
    title: str
    role: str
    items: list[Need] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(item.count for item in self.items)

    @property
    def urgency(self) -> Urgency:
        return min(item.urgency for item in self.items)

    @property
    def order(self):
        return min(item.order for item in self.items)


def grouped(needs: list[Need]) -> list[Group]:
    """One group per kind, in the order of their most urgent item; items likewise."""
    groups: dict[str, Group] = {}
    for need in needs:
        group = groups.setdefault(need.kind, Group(need.kind, need.group, need.role))
        group.items.append(need)
    for group in groups.values():
        group.items.sort(key=lambda need: need.order)
    return sorted(groups.values(), key=lambda group: (group.order, group.title))


def first_rows(queryset, shown: int = SHOWN) -> tuple[list, int]:
    """The first `shown` rows of `queryset` and how many there are in all: one query (the
    total is a window count over the whole result, computed before the LIMIT)."""
    rows = list(queryset.annotate(needs_total=Window(Count("pk")))[:shown])
    return rows, (rows[0].needs_total if rows else 0)


def more(kind: Kind, total: int, shown: int, url: str, text: str) -> list[Need]:
    """The "and N more" line of a kind with more items than are listed (`text`: "{n} more
    round{s}")."""
    if total <= shown:
        return []
    rest = total - shown
    line = text.format(n=rest, s="" if rest == 1 else "s")
    return [kind(line, url, "See them all", urgency=Urgency.OPEN, count=rest, due=date.max)]


def listed(kind: Kind, queryset, make, rest, text="{n} more", shown: int = SHOWN) -> list[Need]:
    """The first `shown` rows of `queryset` as items (`make(row)`), then the "and N more"
    line linking to `rest(rows)`, the full list. One query."""
    rows, total = first_rows(queryset, shown)
    needs = [make(row) for row in rows]
    if rows and total > len(rows):
        needs += more(kind, total, len(rows), rest(rows), text)
    return needs


def first_rows_by(queryset, category, order_by, shown: int = SHOWN) -> tuple[dict, dict]:
    """The first `shown` rows of each category of `queryset` (`category`: an expression
    naming each row's), and how many each category has: one query (window functions,
    partitioned by category). Returns ({category: rows}, {category: total})."""
    ranked = (
        queryset.annotate(needs_category=category)
        .annotate(
            needs_rank=Window(RowNumber(), partition_by=[F("needs_category")], order_by=order_by),
            needs_total=Window(Count("pk"), partition_by=[F("needs_category")]),
        )
        .filter(needs_rank__lte=shown)
    )
    rows, totals = {}, {}
    for row in ranked:
        rows.setdefault(row.needs_category, []).append(row)
        totals[row.needs_category] = row.needs_total
    for found in rows.values():
        found.sort(key=lambda row: row.needs_rank)
    return rows, totals


def reads(*areas: str, mine: bool = False):
    """Says what an item function reads, by area of the program (childcop.aggregates.
    NEEDS_AREAS): its items are kept for the person (`Scope.kept`) until a write to one of
    those areas, or to what "Needs you" reads as a whole, starts a new generation of it.
    One function, one query: after someone answers a help request, the functions that read
    help requests ask again, the others' items come from the cache.

    `mine`: the function reads only rows of the person's own communities (`Scope.member`,
    or its subsets `core` and `coordinator`): for the areas kept per community (NEEDS_EACH_
    COMMUNITY), only a write in one of them starts a new generation of its items."""
    from childcop.aggregates import NEEDS_AREAS

    unknown = set(areas) - set(NEEDS_AREAS)
    assert not unknown, f"not an area of Needs you: {unknown}"

    def decorate(function):
        name = f"{function.__module__}.{function.__qualname__}"

        @functools.wraps(function)
        def kept(scope, *args, **kwargs):
            if scope.kept is None:
                return function(scope, *args, **kwargs)
            return scope.kept(
                name, areas, (args, sorted(kwargs.items())),
                lambda: function(scope, *args, **kwargs), mine=mine,
            )  # fmt: skip

        kept.areas, kept.mine = areas, mine
        return kept

    return decorate
