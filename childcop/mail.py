"""The one path every email of the product takes: claim once, render, send.

An email is named by its recipient, its *kind* (what it is, e.g. ``session_reminder``) and
its *key* (which one: a membership id, a session and its start time, an ISO week).
`send_once` first *claims* it by inserting a `SentEmail` row under the table's unique
constraint, in the transaction that sends it:

- a second attempt (a retry, a duplicate delivery, a second beat tick, two workers at
  once) finds the claim and sends nothing; a concurrent one waits on the unique index
  (PostgreSQL) or the write lock (SQLite), then finds it;
- a send that fails rolls its claim back with the transaction, so the task's retry or the
  job's next run sends it then, once.

A recipient the mail server refuses (a bad address, a rejected body): a job that beat runs
again passes ``skip_refused=True``, so the refusal is logged, the other recipients are
served and the next run tries again; an email sent on an event lets the error reach its
task, whose retry resumes where it stopped.

One email that cannot be built or sent for a reason of its own (a header Django refuses,
a template that fails on one object: any error but the infrastructure's) never stops a
job: it is logged, its claim rolled back, and the others go out; the next run of a beat job
tries it again. A job guards the work it does per object outside the send (a subject, a
calendar) with `isolated`, to the same effect. The infrastructure failing (`INFRASTRUCTURE`:
the mail server down, the database gone) stops the run, so the task retries as a whole.

Each email is also a notification in its recipient's list (`childcop.accounts.notices`):
the caller passes a `Notice` (what it links to), and the notification is written right after
the claim, in its transaction, so there is one of each whatever runs twice. The recipient's
preference for the kind decides first: *off* claims nothing and writes nothing, *in the
product only* claims and writes the notification but sends no email.

The message: the caller's subject; the text part from ``<template>.txt`` and, where the
template has one, the HTML part from ``<template>.html``; the ``.ics`` attached where there
is one; the one-click unsubscribe headers (RFC 8058) on the emails people can leave in one
click; ``Auto-Submitted: auto-generated`` (RFC 3834) on all of them. Every context has the
``user`` (the recipient), the ``preferences_url`` (their notification preferences) and the
``time_zone`` (the name of theirs).

Each message is rendered in its recipient's own time zone (their profile's): a datetime in
the context shows in it (``{{ starts|date:"H:i" }}``), and a subject that shows a time is a
callable, called while that zone is active (``lambda: f"{timezone.localtime(t):%H:%M}"``).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import timezone

from childcop.accounts import notices
from childcop.accounts.models import Channel, SentEmail
from childcop.accounts.notices import Notice
from childcop.utils import site_url

logger = logging.getLogger(__name__)

# Refusals of one message (a bad address, a rejected body), as opposed to a server that is
# down (anything else, which stops the run: the task retries and the next run resumes).
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)
# Failures of what every email needs (the mail server, the network, the database): they stop
# the run. Any other error belongs to one email or one object: logged, skipped, retried later.
INFRASTRUCTURE = (OSError, DatabaseError)


@contextmanager
def isolated(job: str, obj) -> Iterator[None]:
    """Run a job's work for one object (`obj`): an error of its own is logged and skipped,
    so the job goes on with the next object (and its next run tries this one again); an
    infrastructure failure stops the run.

        for session in due_sessions:
            with mail.isolated("session reminders", session):
                ...
    """
    try:
        yield
    except INFRASTRUCTURE:
        raise
    except Exception:
        logger.exception("%s: %r failed; skipped, the next run tries again", job, obj)


def message(
    recipient,
    template: str,
    subject: str | Callable[[], str],
    context: Mapping,
    *,
    ics: tuple[str, bytes] | None = None,
    unsubscribe: str | None = None,
    connection=None,
) -> EmailMultiAlternatives:
    """The email to `recipient`, rendered from `template` (a path without its extension).

    `subject`: a text, or a callable giving it in the recipient's time zone.
    `ics`: (file name, calendar) to attach. `unsubscribe`: the one-click unsubscribe
    address, for the emails people can leave in one click (also ``unsubscribe_url`` in the
    context). `connection`: a mail connection shared by a batch.
    """
    zone = getattr(recipient, "tzinfo", None) or timezone.get_default_timezone()
    with timezone.override(zone):
        return _message(recipient, template, subject, context, ics, unsubscribe, connection)


def _message(recipient, template, subject, context, ics, unsubscribe, connection):
    context = {
        "user": recipient,
        "preferences_url": site_url("notifications:preferences"),
        "time_zone": timezone.get_current_timezone_name(),
        **({"unsubscribe_url": unsubscribe} if unsubscribe else {}),
        **context,
    }
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            **headers,
        }
    email = EmailMultiAlternatives(
        subject=subject() if callable(subject) else subject,
        body=render_to_string(f"{template}.txt", context),
        to=[recipient.email],
        headers=headers,
        connection=connection,
    )
    try:
        html = get_template(f"{template}.html")
    except TemplateDoesNotExist:  # a plain-text email
        pass
    else:
        email.attach_alternative(html.render(context), "text/html")
    if ics is not None:
        filename, calendar = ics
        email.attach(filename, calendar.decode(), "text/calendar")
    return email


def send_claimed(
    recipient,
    kind: str,
    key: str,
    build: Callable[[], EmailMultiAlternatives],
    *,
    skip_refused: bool = False,
    notice: Notice | None = None,
    subject: str = "",
    chosen: str | None = None,
) -> bool:
    """Claim (recipient, kind, key), write its notification and send `build()`, in one
    transaction; by the recipient's preference for `kind`, only the notification, or nothing.
    `chosen`: that preference, when the caller read it already (a batch's, in one query).

    `notice`: the notification (none without it); `subject`: its title unless the notice
    has one. True when the email went out now, or, in the product only, when the
    notification was written now. False when the recipient turned the kind off, when it was
    claimed already (sent, or being sent), when it could not be built or
    sent for a reason of its own (any error but `INFRASTRUCTURE`'s: logged, its claim rolled
    back for the next run), or, with `skip_refused`, when the server refused it (likewise).
    The claim is the transaction's first write: no savepoint of its own (one INSERT an
    email, then the notification's INSERT and its unread count's UPDATE), and it is held,
    uncommitted, while sending.
    """
    if chosen is None:
        chosen = notices.channel(recipient, kind)
    if chosen == Channel.OFF:
        return False
    claimed = False
    try:
        with transaction.atomic():
            SentEmail.objects.create(recipient=recipient, kind=kind, key=key)
            claimed = True
            if notice is not None:
                # a subject may be made per recipient (a time in their own time zone)
                if callable(subject):
                    zone = getattr(recipient, "tzinfo", None) or timezone.get_default_timezone()
                    with timezone.override(zone):
                        title = subject()
                else:
                    title = subject
                notices.record(recipient, kind, key, title, notice)
            if chosen == Channel.BOTH:
                build().send()
    except IntegrityError:
        if claimed:  # not the claim's: the build's own
            raise
        return False
    except REFUSED:
        if not skip_refused:
            raise
        logger.exception("%s %s to %s was refused; the next run tries again", kind, key, recipient)
        return False
    except INFRASTRUCTURE:
        raise
    except Exception:
        logger.exception("%s %s to %s could not be built or sent; skipped", kind, key, recipient)
        return False
    return True


def send_once(
    recipient,
    kind: str,
    key: str,
    template: str,
    subject: str | Callable[[], str],
    context: Mapping,
    *,
    skip_refused: bool = False,
    notice: Notice | None = None,
    **parts,
) -> bool:
    """Send the templated email once per (recipient, kind, key); True when it went out now
    (see `send_claimed`). `notice`: its notification, titled with `subject`.

    Rendered only once claimed; `parts`: `message`'s ``ics``, ``unsubscribe`` and
    ``connection``. See `send_claimed` for the claim and `skip_refused`.
    """
    return send_claimed(
        recipient,
        kind,
        key,
        lambda: message(recipient, template, subject, context, **parts),
        skip_refused=skip_refused,
        notice=notice,
        subject=subject,
    )


def send_to_each(
    recipients, kind: str, key: str, template: str, subject: str, context: Mapping, **options
) -> int:
    """`send_once` to each of `recipients`, with the same context; the number sent now."""
    return sum(
        send_once(user, kind, key, template, subject, context, **options) for user in recipients
    )
