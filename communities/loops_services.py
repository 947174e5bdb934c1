"""Learning loops and shared memory: the workflows behind the views, jobs and demo.

A help request is asked (open), answered, an answer is marked helpful by the asker
(answered; `helpful_at` set once), and later the asker says how it turned out (closed).
A closed loop can be captured in the shared memory, or told as a value-creation story.
"""

from __future__ import annotations

from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from .choices import HelpStatus, LoopOutcome, MemoryKind
from .models import Answer, HelpRequest, SharedMemoryEntry

# --- search ---------------------------------------------------------------------------


def search(queryset, text: str, fields: list[str]):
    """Full-text search on PostgreSQL (stemmed, ranked); `icontains` on every word elsewhere."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(*fields, config="english")
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, query))
            .filter(search_vector=query)
            .order_by("-search_rank", *queryset.query.order_by)
        )
    for word in text.split()[:10]:
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(match)
    return queryset


# --- the loop -------------------------------------------------------------------------


def ask(form, *, community, asker) -> HelpRequest:
    help_request = form.save(commit=False)
    help_request.community = community
    help_request.asker = asker
    help_request.save()
    return help_request


def answer(form, *, help_request, author) -> Answer:
    item = form.save(commit=False)
    item.request = help_request
    item.author = author
    item.save()
    return item


def mark_helpful(help_request, answer_obj, *, now=None) -> bool:
    """Mark the answer helpful; the first time also answers the request. True if it changed."""
    now = now or timezone.now()
    with transaction.atomic():
        changed = Answer.objects.filter(pk=answer_obj.pk, helpful=False).update(helpful=True)
        # Conditional update: two clicks at once still set `helpful_at` only once.
        HelpRequest.objects.filter(
            pk=help_request.pk, helpful_at__isnull=True, status=HelpStatus.OPEN
        ).update(helpful_at=now, status=HelpStatus.ANSWERED)
    help_request.refresh_from_db(fields=["helpful_at", "status"])
    answer_obj.helpful = True
    return bool(changed)


def close_loop(form, *, now=None) -> HelpRequest:
    """Save the follow-up (outcome and reflection): the loop is closed."""
    help_request = form.save(commit=False)
    help_request.status = HelpStatus.CLOSED
    help_request.closed_at = now or timezone.now()
    help_request.save(update_fields=["outcome", "reflection", "status", "closed_at"])
    return help_request


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.strip().splitlines())


def memory_draft(help_request, kind: str, answers) -> dict:
    """Title and Markdown body of a shared-memory entry, prefilled from a closed loop."""
    helpful = [a for a in answers if a.helpful] or list(answers)
    heading = {
        MemoryKind.FAQ: "### The question",
        MemoryKind.SUMMARY: "### The challenge",
        MemoryKind.INSIGHT: "### Where the insight came from",
        MemoryKind.CASE_STORY: "### The case",
        MemoryKind.REFLECTION: "### What we tried",
    }[kind]
    parts = [heading, help_request.challenge.strip()]
    if helpful:
        parts.append("### The advice" if kind != MemoryKind.REFLECTION else "### The advice given")
        for item in helpful:
            who = f"— {item.author}" if item.author else ""
            parts.append(f"{_quote(item.body)}\n\n{who}".strip())
    outcome = LoopOutcome(help_request.outcome).label if help_request.outcome else ""
    parts.append("### How it turned out")
    parts.append(f"**{outcome}.**" if outcome else "")
    if help_request.reflection.strip():
        parts.append(help_request.reflection.strip())
    return {"title": help_request.title[:200], "body": "\n\n".join(p for p in parts if p)}


def capture(help_request, kind: str, *, by) -> tuple[SharedMemoryEntry, bool]:
    """One click: the closed loop becomes a shared-memory entry of `kind` (once per kind)."""
    existing = help_request.memory.filter(kind=kind).first()
    if existing:
        return existing, False
    draft = memory_draft(help_request, kind, help_request.answers.select_related("author"))
    entry = SharedMemoryEntry.objects.create(
        community_id=help_request.community_id,
        kind=kind,
        created_by=by,
        help_request=help_request,
        **draft,
    )
    return entry, True


def story_initial(help_request) -> dict:
    """Initial values of a value-creation story told from a closed loop (value_stories)."""
    helpful = [a.body.strip() for a in help_request.answers.all() if a.helpful]
    when = help_request.closed_at or help_request.helpful_at or help_request.created_at
    outcome = LoopOutcome(help_request.outcome).label if help_request.outcome else ""
    return {
        "title": help_request.title[:200],
        "happened_on": timezone.localtime(when).date(),
        "activity_description": (
            f"I asked the community for help: “{help_request.title}”.\n\n"
            f"{help_request.challenge.strip()}"
        ),
        "gained": "\n\n".join(helpful),
        "applied": "\n\n".join(
            p for p in [f"{outcome}." if outcome else "", help_request.reflection.strip()] if p
        ),
    }
