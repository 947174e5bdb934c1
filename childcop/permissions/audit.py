"""The audit log and personal data rights.

* The audit log is read by program admins only; nobody changes it (there is no page that
  writes to it, and the admin shows it read-only).
* Everyone signed in downloads their own data, and only their own.
* A program admin erases a person, never themselves (another admin does), never twice.
"""

from .core import is_program_admin


def can_read_audit_log(user) -> bool:
    return is_program_admin(user)


def can_download_own_data(user) -> bool:
    return bool(user.is_authenticated)


def can_erase_person(user, person) -> bool:
    from childcop.accounts.erasure import is_erased

    return is_program_admin(user) and person.pk != user.pk and not is_erased(person)
