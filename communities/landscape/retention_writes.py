"""What starts the generations of a community's retention parts (communities.landscape.
retention_parts, whose docstring says which writes must, and why): the receivers of the
writes to the rows the parts read, connected in every process (`connect`, from the
communities app's `ready`), and the admin site's and the person's deletions that send no
signal. Bulk writers call `retention_parts.invalidate` themselves."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django.db import connection
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from childcop import aggregates

from .retention_parts import (
    _UNKNOWN,
    LIVE_DAYS,
    MARGIN_DAYS,
    WRITE_MINUTES,
    _models,
    invalidate,
    past_before,
)


def _joined_live_from() -> date:
    """A membership joined on or after this day is in no settled part a reader has
    computed or is computing: a reader's `live_since` is at most its day − LIVE_DAYS (see
    the module)."""
    return timezone.now().astimezone(UTC).date() + timedelta(days=MARGIN_DAYS - LIVE_DAYS)


def _just_written(moment) -> bool:
    """Whether a row written at `moment` (an activity created, a level change) is after the
    `t0` of any settled part computed before the writer commits (see the module)."""
    try:
        return moment >= timezone.now() - timedelta(minutes=WRITE_MINUTES / 2)
    except TypeError:  # not an aware datetime
        return False


def _past_until() -> date:
    """Rows dated before this day may be in a past some reader has computed."""
    return past_before(timezone.now().astimezone(UTC).date() + timedelta(days=MARGIN_DAYS))


def _rows_changed(rows) -> None:
    """The settled parts of the communities of (community, day) rows changed, and their
    past when a day is before `_past_until()` (or _UNKNOWN)."""
    until = _past_until()
    ids = [pk for pk, _ in rows if pk is not None]
    with_past = [pk for pk, day in rows
                 if pk is not None and (not isinstance(day, date) or day < until)]  # fmt: skip
    if with_past:
        invalidate(with_past)
    if set(ids) - set(with_past):
        invalidate(set(ids) - set(with_past), past=False)


# The fields the parts read of each model, and how a row's (community, day) is read.
_READ = {
    "communities.Activity": ({"community", "community_id", "date", "logged_by", "logged_by_id"},
                             ("community_id", "date")),
    "communities.Attendance": ({"activity", "activity_id", "user", "user_id"},
                               ("activity__community_id", "activity__date")),
}  # fmt: skip


def _before_save(sender, instance, update_fields=None, **kwargs):
    """An update's row as the database has it (locked until the writer commits, in a
    transaction; its day _UNKNOWN outside one); None for a new row."""
    fields, read = _READ[sender._meta.label]
    if update_fields is not None and not set(update_fields) & fields:
        instance._retention_before = False  # nothing the parts read
    elif instance.pk is None:
        instance._retention_before = None
    elif connection.in_atomic_block:
        instance._retention_before = (
            sender._base_manager.select_for_update(of=("self",))
            .filter(pk=instance.pk)
            .values_list(*read)
            .first()
        )
    else:
        community_id = (
            sender._base_manager.filter(pk=instance.pk).values_list(read[0], flat=True).first()
        )
        instance._retention_before = (community_id, _UNKNOWN) if community_id else None


def _activity_saved(sender, instance, created=False, **kwargs):
    before = getattr(instance, "_retention_before", _UNKNOWN)
    if before is False or before is None:
        return  # nothing read changed; or a new activity: the live part reads it
    rows = [(instance.community_id, instance.date if isinstance(before, tuple) else _UNKNOWN)]
    _rows_changed(rows + ([before] if isinstance(before, tuple) else []))


def _attendance_saved(sender, instance, created=False, **kwargs):
    Activity, _, _, _ = _models()
    before = getattr(instance, "_retention_before", _UNKNOWN)
    if before is False:
        return
    activity = (
        Activity.objects.filter(pk=instance.activity_id)
        .values_list("community_id", "date", "created_at")
        .first()
    )
    rows = [] if before in (None, _UNKNOWN) else [before]
    if activity is not None:
        community_id, day, created_at = activity
        if before is None and _just_written(created_at):
            return  # added to an activity just created: the live part reads it
        rows.append((community_id, day if before is not _UNKNOWN else _UNKNOWN))
    _rows_changed(rows)


def _activity_deleted(sender, instance, **kwargs):
    invalidate([instance.community_id])


def _membership_saved(sender, instance, created=False, **kwargs):
    joined_on = instance.joined_on
    if not (created and isinstance(joined_on, date) and joined_on >= _joined_live_from()):
        invalidate([instance.community_id], past=False)


def _level_change_saved(sender, instance, created=False, **kwargs):
    if not (created and _just_written(instance.changed_at)):
        invalidate([instance.community_id], past=False)


def _settled_changed(sender, instance, **kwargs):
    invalidate([instance.community_id], past=False)


def _left(label, community_id) -> None:
    """A membership, a departure or a level change moved to another community (the admin
    site): the settled part of the one it left (aggregates.LEFT)."""
    if label in ("communities.Membership", "communities.Departure", "communities.LevelChange"):
        invalidate([community_id], past=False)


def _person_deleted(sender, instance, **kwargs):
    """A person deleted takes their level changes in one statement, without a signal: the
    settled parts of their communities (those of a membership deleted by hand, say)."""
    from communities.models import LevelChange

    invalidate(
        set(LevelChange.objects.filter(user_id=instance.pk).values_list("community_id", flat=True)),
        past=False,
    )


def connect() -> None:
    """Connect the receivers (from the communities app's `ready`, in every process)."""
    from communities.models import LevelChange

    Activity, Attendance, Departure, Membership = _models()

    def uid(what):
        return f"communities.landscape.retention_parts:{what}"

    for model, saved in ((Activity, _activity_saved), (Attendance, _attendance_saved)):
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid(model.__name__), weak=False)
        post_save.connect(saved, sender=model, dispatch_uid=uid(model.__name__), weak=False)
    post_delete.connect(_activity_deleted, sender=Activity, dispatch_uid=uid("a"), weak=False)
    post_save.connect(_membership_saved, sender=Membership, dispatch_uid=uid("m"), weak=False)
    post_delete.connect(_settled_changed, sender=Membership, dispatch_uid=uid("m"), weak=False)
    post_save.connect(_settled_changed, sender=Departure, dispatch_uid=uid("d"), weak=False)
    post_delete.connect(_settled_changed, sender=Departure, dispatch_uid=uid("d"), weak=False)
    post_save.connect(_level_change_saved, sender=LevelChange, dispatch_uid=uid("l"), weak=False)
    if _left not in aggregates.LEFT:
        aggregates.LEFT.append(_left)
    from django.contrib.auth import get_user_model
    from django.db.models.signals import pre_delete

    pre_delete.connect(_person_deleted, sender=get_user_model(), dispatch_uid=uid("u"), weak=False)
