"""Erasing a person, at a program admin's request.

What goes: their name, contact details and everything that lets them sign in (the user row
is anonymised as "Former member <number>", with an address that receives nothing, no
password, inactive; their email addresses, calendar address and, where installed, linked
single sign-on accounts and two-factor methods are deleted); their names and addresses in the
attendance files imported before; their value-creation stories, unless they chose on their
profile to keep them.

What stays, under the anonymised row: memberships, attendance, levels and their history,
leadership roles, health-check answers, help requests and answers, appointments, so that the
counts of past reports and indicators stay true; and the audit log (which names people through
their row only, so it now says "Former member <number>")."""

from __future__ import annotations

from django.apps import apps
from django.db import transaction

from childcop import aggregates

ERASED_DOMAIN = "erased.invalid"  # .invalid never resolves (RFC 2606): nothing is sent


class ErasureError(Exception):
    """The person cannot be erased (already erased, or the admin themselves)."""


def anonymous_name(person) -> str:
    return f"Former member {person.pk}"


def anonymous_email(person) -> str:
    return f"former-member-{person.pk}@{ERASED_DOMAIN}"


def is_erased(person) -> bool:
    return person.email == anonymous_email(person)


def _scrub_imports(person, email: str) -> None:
    """The person's lines in the attendance files kept with their imports."""
    from communities.models import AttendanceImport

    name, replacement = anonymous_name(person), anonymous_email(person)
    for upload in AttendanceImport.objects.only("id", "rows").iterator():
        changed = False
        for entries in (upload.rows or {}).values():
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, dict):
                    continue
                if entry.get("user") == person.pk or str(entry.get("email", "")).lower() == email:
                    entry.update(email=replacement, **({"name": name} if "name" in entry else {}))
                    changed = True
        if changed:
            AttendanceImport.objects.filter(pk=upload.pk).update(rows=upload.rows)


def _unlink(person) -> None:
    """What lets them sign in or be reached, beyond the user row."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=person).delete()
    if apps.is_installed("allauth.socialaccount"):
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=person).delete()
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.filter(user=person).delete()
    from childcop.api.models import ApiToken

    ApiToken.objects.filter(user=person).delete()  # their reporting tools read no more


@transaction.atomic
def erase(person, *, by) -> dict:
    """Erase `person` (see the module); what was done, for the message and the audit log."""
    import audit
    from communities.models import Membership
    from value_stories.models import ValueStory

    if person.pk == by.pk:
        raise ErasureError("You cannot erase yourself: another program admin can.")
    if is_erased(person):
        raise ErasureError("This person was already erased.")
    email = person.email.lower()
    stories = ValueStory.objects.filter(author=person)
    kept = person.keep_stories_if_erased
    story_count = stories.count()
    if not kept:
        stories.delete()
    _scrub_imports(person, email)
    _unlink(person)
    person.display_name = anonymous_name(person)
    person.email = anonymous_email(person)
    person.job_title = person.department = ""
    person.set_unusable_password()
    person.is_active = person.is_staff = person.is_superuser = person.is_program_admin = False
    person.calendar_token = None
    person.save()
    communities = list(
        Membership.objects.filter(user=person).values_list("community_id", flat=True)
    )
    aggregates.invalidate("program", "people", "stories")
    aggregates.invalidate_communities(communities)
    outcome = {"stories": story_count, "stories_kept": kept}
    if story_count:
        said = "kept, as they chose" if kept else "removed"
        stories = "story" if story_count == 1 else "stories"
        detail = f"{story_count} value-creation {stories} {said}"
    else:
        detail = "no value-creation stories"
    audit.record(by, audit.Action.ERASED, subject=person, detail=detail)
    return outcome
