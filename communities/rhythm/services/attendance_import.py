"""Attendance import: upload a CSV file (e.g. a meeting tool's export), preview it, confirm it.

Upload → every row is parsed and validated, and the report is stored as a *pending*
`AttendanceImport` (no attendance, no membership is written) → preview: who matched,
who is unknown, which rows are malformed or duplicated → confirm: one transaction
adds the missing memberships and attendance, all or nothing, once. The pages are in
`communities.rhythm.views`, their forms in `communities.rhythm.forms`, and the emails to
the people an import invited in `communities.rhythm.jobs`.

Query counts do not depend on the number of rows: one lookup for all the emails of a
file, bulk inserts (which SQLite splits into statements of at most 999 variables).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
from dataclasses import asdict, dataclass, field
from email.utils import parseaddr
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

import audit
from childcop import aggregates
from childcop.accounts import search_keys
from childcop.accounts.domains import invitation_allowed, invitation_domains
from childcop.accounts.models import PersonSearchKey
from communities.choices import Level
from communities.landscape import retention_parts
from communities.models import Membership

from ..models import Attendance, AttendanceImport

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 20  # a meeting report may put a summary above its table of people
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
# Header names of an email column, compared without case, spaces or punctuation.
EMAIL_HEADERS = {
    "email", "emailaddress", "mail", "mailaddress", "useremail", "useremailaddress",
    "workemail", "attendeeemail", "participantemail", "emailid",
}  # fmt: skip
# Header names of a name column (Teams, Webex: "Name"; Zoom: "Name (Original Name)"; Meet:
# "First name" and "Last name"), compared the same way.
NAME_HEADERS = {
    "name", "fullname", "participantname", "attendeename", "displayname", "nameoriginalname",
    "participant", "attendee", "guestname",
}  # fmt: skip
FIRST_NAME_HEADERS = {"firstname", "givenname", "forename"}
LAST_NAME_HEADERS = {"lastname", "surname", "familyname"}
SECTION_TITLE = re.compile(r"^\s*\d{1,2}[.)]\s+\S")  # Teams: "2. Participants"
NOT_UTF8 = "The file is not UTF-8 text; save it as CSV UTF-8"

Action = AttendanceImport.UnknownAction


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, for the person uploading."""


# --- Parsing: bytes → emails with their line numbers, malformed rows and duplicates -------


@dataclass
class ParsedFile:
    encoding: str
    delimiter: str
    email_column: str  # the header's text, or "" for a file without a header row
    header_line: int  # 0 without a header row
    data_rows: int = 0
    entries: list = field(default_factory=list)  # [(line, email)], first occurrences
    names: dict = field(default_factory=dict)  # {email: the person's name in the file}
    guests: list = field(default_factory=list)  # [{"line", "name"}]: a name, no email
    malformed: list = field(default_factory=list)  # [{"line", "value", "reason"}]
    duplicates: list = field(default_factory=list)  # [{"line", "email", "first_line"}]


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of its encoding; never a silent guess."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Teams' exports
        try:
            text, encoding = data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise ImportFileError(f"The file is damaged UTF-16 text. {NOT_UTF8}.") from None
    elif data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(
            "This is a spreadsheet workbook (or another packed file), not a CSV file. "
            "In Excel, choose File › Save as › “CSV UTF-8 (comma delimited)”."
        )
    elif b"\x00" in data[:8192]:
        raise ImportFileError(
            "This is not a CSV file: it contains binary data. Export the attendance as CSV "
            "(“CSV UTF-8”) and upload that file."
        )
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{NOT_UTF8} (the first unreadable byte is at position {error.start + 1})."
            ) from None
        encoding = "UTF-8 with BOM" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
    if "\x00" in text:
        raise ImportFileError("This is not a CSV file: it contains binary data.")
    return text, encoding


def _email_column(row) -> tuple[int | None, bool]:
    """The index of the email column in a header row, and whether its name is a known one."""
    for index, cell in enumerate(row):
        if re.sub(r"[^a-z0-9]", "", cell.casefold()) in EMAIL_HEADERS:
            return index, True
    for index, cell in enumerate(row):  # e.g. “Work e-mail”, “Guest email address”
        words = re.findall(r"[a-z0-9]+", cell.casefold())
        if words[-1:] == ["address"]:
            words = words[:-1]
        if "@" not in cell and 0 < len(words) <= 4 and words[-1] in ("email", "mail"):
            return index, False
    return None, False


def _email_cell(row) -> int | None:
    """For a file without a header row: the index of the cell holding a valid email."""
    for index, cell in enumerate(row):
        try:
            validate_email(_address(cell))
        except ValidationError:
            continue
        return index
    return None


def _key(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", cell.casefold())


def _name_columns(row) -> tuple[int | None, int | None, int | None]:
    """(full name, first name, last name) column indexes of a header row."""
    keys = [_key(cell) for cell in row]
    full = next((i for i, k in enumerate(keys) if k in NAME_HEADERS), None)
    first = next((i for i, k in enumerate(keys) if k in FIRST_NAME_HEADERS), None)
    last = next((i for i, k in enumerate(keys) if k in LAST_NAME_HEADERS), None)
    return full, first, last


def _is_title(row) -> bool:
    """A row holding one cell that is not an address: a section's title ("3. In-Meeting
    Activities"), which ends the table above it."""
    cells = [cell.strip() for cell in row if cell.strip()]
    return len(cells) == 1 and "@" not in cells[0] and bool(SECTION_TITLE.match(cells[0]))


def _table_size(records, start: int, column: int) -> int:
    """The distinct addresses in the table whose header is records[start] (cells of its
    email column holding an "@"), up to a section's title or the next table's header: a
    list of every join and leave (Teams' In-Meeting Activities) is no larger than the list
    of the people it is about."""
    addresses = set()
    for row in records[start + 1 :]:
        if _is_title(row) or _email_column(row)[1]:
            break
        if column < len(row) and "@" in row[column]:
            addresses.add(row[column].strip().casefold())
    return len(addresses)


def _find_header(text: str) -> tuple[str, int, int, bool]:
    """(delimiter, index of the header record, email column, has_header).

    A meeting report may hold several tables: a summary of the meeting (Zoom's has the
    host's email) above the table of people, or sections (Teams: Summary, Participants,
    In-Meeting Activities). Of the tables whose header has an email column, one with a
    known column name wins, then the one with most people, then one with a name column,
    then the earliest, then the delimiter that splits its header into most cells.
    """
    best = None
    for delimiter in DELIMITERS:
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        records = []
        with contextlib.suppress(csv.Error):  # rows before an unreadable one still count
            records.extend(itertools.islice(reader, MAX_ROWS + HEADER_SEARCH_ROWS + 1))
        found = False
        for index, row in enumerate(records[:HEADER_SEARCH_ROWS]):
            column, known = _email_column(row)
            if column is None:
                continue
            found = True
            named = any(i is not None for i in _name_columns(row))
            rank = (not known, -_table_size(records, index, column), not named, index, -len(row))
            if best is None or rank < best[0]:
                best = (rank, delimiter, index, column, True)
        if not found:
            # No header: a plain list of addresses (checked on the first non-empty row).
            first = next(((i, r) for i, r in enumerate(records) if any(c.strip() for c in r)), None)
            column = _email_cell(first[1]) if first else None
            if column is not None:
                rank = (True, -len(records), True, first[0], -len(first[1]))
                if best is None or rank < best[0]:
                    best = (rank, delimiter, first[0], column, False)
    if best is None:
        raise ImportFileError(_no_email_column(text))
    return best[1:]


def _no_email_column(text: str) -> str:
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = csv.reader(io.StringIO(sample), delimiter=delimiter)
        header = next((r for r in rows if any(c.strip() for c in r)), [])
    except csv.Error:
        header = []
    cells = [c.strip()[:40] or "(empty)" for c in header[:15]]
    shown = ", ".join(f"“{c}”" for c in cells) + (", …" if len(header) > 15 else "")
    return (
        f"No email column found; the header row has: {shown or 'nothing'}. "
        "Name the column of email addresses “Email” (or “E-mail”, “Email address”)."
    )


def _address(cell: str) -> str:
    """The address in a cell: also accepts “Name <address>” and “mailto:address”."""
    value = cell.strip()
    if value.casefold().startswith("mailto:"):
        value = value[7:].strip()
    if "<" in value and value.endswith(">"):
        value = parseaddr(value)[1] or value
    return value


def _shorten(text: str, size: int = 100) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def parse_csv(data: bytes) -> ParsedFile:
    """Parse and validate every row of an attendance file; raise ImportFileError if unusable."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            "The file is larger than 2 MB. Upload only the list of attendees, or split it."
        )
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFileError("The file is empty.")
    delimiter, header_index, column, has_header = _find_header(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    parsed = ParsedFile(
        encoding=encoding, delimiter=DELIMITERS[delimiter], email_column="", header_line=0
    )
    first_seen = {}
    try:
        for _ in range(header_index + (1 if has_header else 0)):
            header = next(reader)
        full = first = last = None
        if has_header:
            parsed.email_column = header[column].strip()
            parsed.header_line = reader.line_num
            full, first, last = _name_columns(header)

        def name_of(row) -> str:
            def cell(i):
                return " ".join(row[i].split()) if i is not None and i < len(row) else ""

            name = cell(full) or " ".join(filter(None, [cell(first), cell(last)]))
            return _shorten(name, 150)

        guests_seen = set()
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if has_header and (_is_title(row) or _email_column(row)[1]):
                break  # the table of people has ended: another section follows
            name = name_of(row)
            parsed.data_rows += 1
            if parsed.data_rows > MAX_ROWS:
                raise ImportFileError(
                    f"The file has more than {MAX_ROWS:,} rows of people. "
                    "Split it into files of at most 10,000 rows and import each."
                )
            line = reader.line_num
            cell = row[column].strip() if column < len(row) else ""
            if not cell and name:  # a guest of the meeting, known by name only
                if name.casefold() not in guests_seen:  # who left and rejoined: once
                    guests_seen.add(name.casefold())
                    parsed.guests.append({"line": reader.line_num, "name": name})
                continue
            if not cell:
                where = f"the “{parsed.email_column}” column" if has_header else "this row"
                parsed.malformed.append(
                    {
                        "line": line,
                        "value": _shorten(" | ".join(c.strip() for c in row)),
                        "reason": f"No email address in {where}.",
                    }
                )
                continue
            address = _address(cell)
            try:
                validate_email(address)
                if len(address) > 254:
                    raise ValidationError("too long")
            except ValidationError:
                parsed.malformed.append(
                    {"line": line, "value": _shorten(cell), "reason": "Not a valid email address."}
                )
                continue
            email = address.lower()
            if email in first_seen:
                parsed.duplicates.append(
                    {"line": line, "email": email, "first_line": first_seen[email]}
                )
                continue
            first_seen[email] = line
            parsed.entries.append((line, email))
            if name:
                parsed.names[email] = name
    except csv.Error as error:
        raise ImportFileError(
            f"The file could not be read as CSV near line {reader.line_num}: {error}."
        ) from None
    if parsed.data_rows == 0:
        raise ImportFileError("The file has a header row but no rows of people.")
    return parsed


# --- Matching: one query for all the emails of the file ------------------------------------

CATEGORIES = ("members", "non_members", "already", "unknown", "deactivated")


def build_report(activity, parsed: ParsedFile) -> dict:
    """Sort the file's people into categories; the result is what the preview shows."""
    User = get_user_model()
    emails = [email for _, email in parsed.entries]
    # Emails are stored in lower case (User.save), so this is a case-insensitive match
    # that still uses the unique index.
    found = {
        user["email"]: user
        for user in User.objects.filter(email__in=emails)
        .annotate(
            is_member=Exists(
                Membership.objects.filter(community_id=activity.community_id, user=OuterRef("pk"))
            ),
            attended=Exists(Attendance.objects.filter(activity=activity, user=OuterRef("pk"))),
        )
        .values("pk", "email", "display_name", "is_active", "is_member", "attended")
    }
    report = {
        "encoding": parsed.encoding,
        "delimiter": parsed.delimiter,
        "email_column": parsed.email_column,
        "header_line": parsed.header_line,
        "data_rows": parsed.data_rows,
        **{name: [] for name in CATEGORIES},
        "malformed": parsed.malformed,
        "duplicates": parsed.duplicates,
        "guests": parsed.guests,
    }
    domains = invitation_domains() if len(found) < len(emails) else frozenset()
    for line, email in parsed.entries:
        user = found.get(email)
        in_file = parsed.names.get(email, "")
        if user is None:
            report["unknown"].append(
                {"line": line, "email": email, "invitable": invitation_allowed(email, domains),
                 "in_file": in_file}
            )  # fmt: skip
        elif not user["is_active"]:
            report["deactivated"].append({"line": line, "email": email})
        else:
            category = (
                "already" if user["attended"] else "members" if user["is_member"] else "non_members"
            )
            report[category].append(
                {"line": line, "email": email, "user": user["pk"], "name": user["display_name"],
                 "in_file": in_file, "name_differs": names_differ(in_file, user["display_name"])}
            )  # fmt: skip
    return report


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"\w+", name.casefold()) if len(w) > 1}


def names_differ(in_file: str, account: str) -> bool:
    """Whether the name in the file shares no word with the matched account's name (the
    address matched someone the file calls otherwise: worth a look before confirming)."""
    return bool(in_file and account and not _words(in_file) & _words(account))


def guest_names(report: dict, unknown_action: str) -> list[str]:
    """The people the import counts as guests, by name: those with a name and no email,
    and, when so chosen, those whose email has no account (by their name in the file, or
    the address's local part)."""
    names = [g["name"] for g in report.get("guests", [])]
    if unknown_action == Action.GUEST:
        names += [e.get("in_file") or e["email"].split("@")[0] for e in report.get("unknown", [])]
    return names


# --- Confirming: one transaction, all or nothing, once -------------------------------------


@dataclass
class ImportResult:
    attended: int = 0  # attendance recorded by this import
    already: int = 0  # were already recorded as attendees
    joined: int = 0  # added to the community as peripheral members
    invited: int = 0  # accounts created and invited
    skipped: int = 0  # emails without an account, not invited
    guests: int = 0  # counted as guests, by name

    def message(self) -> str:
        people = "person" if self.attended == 1 else "people"
        text = f"Attendance imported: {self.attended} {people} marked as attended"
        details = []
        if self.joined:
            details.append(f"{self.joined} added to the community as peripheral members")
        if self.invited:
            details.append(f"{self.invited} invited to create their account")
        if self.guests:
            details.append(f"{self.guests} counted as guest{'s' if self.guests > 1 else ''}")
        if details:
            text += f" ({', '.join(details)})"
        text += "."
        if self.already:
            text += f" {self.already} already recorded."
        if self.skipped:
            text += f" {self.skipped} without an account skipped."
        return text


def _invited_user(email: str):
    User = get_user_model()
    # bulk_create skips User.save: do what it does (lower-case email, a display name).
    return User(
        email=email.lower(),
        display_name=email.split("@")[0],
        password=make_password(None),  # unusable until they set one from the invitation
    )


def apply_import(
    upload: AttendanceImport, *, unknown_action: str, by, add_members: bool = True
) -> ImportResult | None:
    """Write the import's memberships and attendance; None when it was already applied.

    Without `add_members` (the core group imports), only existing members are marked as
    attended: adding people to the community and inviting them is for coordinators.
    """
    User = get_user_model()
    activity = upload.activity
    with transaction.atomic():
        locked = (
            AttendanceImport.objects.select_for_update()
            .filter(pk=upload.pk, status=AttendanceImport.Status.PENDING)
            .first()
        )
        if locked is None:
            return None
        report = locked.rows
        matched = [e["user"] for name in ("members", "non_members", "already") for e in report.get(name, [])]  # fmt: skip
        # Accounts may have been deactivated or deleted since the preview.
        user_ids = set(User.objects.filter(pk__in=matched, is_active=True).values_list("pk", flat=True))  # fmt: skip
        unknown = report.get("unknown", [])
        to_invite = []
        if unknown_action == Action.INVITE and add_members and unknown:
            # the allowed domains again: the list may have shrunk since the preview
            domains = invitation_domains()
            to_invite = [
                e["email"]
                for e in unknown
                if e.get("invitable") and invitation_allowed(e["email"], domains)
            ]
        invited_ids = []
        if to_invite:
            existing = {
                email: (pk, active)
                for email, pk, active in User.objects.filter(email__in=to_invite).values_list(
                    "email", "pk", "is_active"
                )
            }
            # Someone who signed up since the preview is matched, not invited.
            user_ids |= {pk for pk, active in existing.values() if active}
            new_emails = [email for email in to_invite if email not in existing]
            if new_emails:
                User.objects.bulk_create([_invited_user(email) for email in new_emails])
                invited = list(
                    User.objects.filter(email__in=new_emails).only("pk", "display_name", "email")
                )
                # the person picker's keys, which User.save writes (childcop.accounts.search_keys)
                PersonSearchKey.objects.bulk_create(search_keys.rows_for(invited))
                invited_ids = [person.pk for person in invited]
                user_ids |= set(invited_ids)
        members = set(
            Membership.objects.filter(
                community_id=activity.community_id, user_id__in=user_ids
            ).values_list("user_id", flat=True)
        )
        if not add_members:
            user_ids &= members
        joining = sorted(user_ids - members)
        Membership.objects.bulk_create(
            [
                Membership(
                    community_id=activity.community_id,
                    user_id=pk,
                    level=Level.PERIPHERAL,
                    added_by=by,
                )
                for pk in joining
            ],
            ignore_conflicts=True,
        )
        # bulk_create sends no signal: the cached figures of people, members and attendance
        aggregates.invalidate("program", "people", "stories", f"community:{activity.community_id}")
        retention_parts.invalidate([activity.community_id])
        present = set(
            Attendance.objects.filter(activity=activity, user_id__in=user_ids).values_list(
                "user_id", flat=True
            )
        )
        new_attendance = sorted(user_ids - present)
        Attendance.objects.bulk_create(
            [Attendance(activity=activity, user_id=pk, imported=True) for pk in new_attendance],
            ignore_conflicts=True,
        )
        result = ImportResult(
            attended=len(new_attendance),
            already=len(present),
            joined=len(joining),
            invited=len(invited_ids),
            skipped=0 if unknown_action == Action.GUEST else len(unknown) - len(to_invite),
            guests=_count_guests(activity, guest_names(report, unknown_action)),
        )
        locked.status = AttendanceImport.Status.APPLIED
        locked.unknown_action = unknown_action
        locked.applied_at = timezone.now()
        locked.rows = {**report, "result": {**asdict(result), "invited_ids": invited_ids}}
        locked.save(update_fields=["status", "unknown_action", "applied_at", "rows"])
        if invited_ids:
            transaction.on_commit(partial(_enqueue_invitations, locked.pk))
        audit.record(
            by,
            audit.Action.IMPORTED,
            f"{locked.filename or 'Attendance file'} for activity #{activity.pk}: {activity}",
            community=activity.community,
            detail=result.message(),
        )
    upload.status, upload.unknown_action = locked.status, locked.unknown_action
    upload.applied_at, upload.rows = locked.applied_at, locked.rows
    return result


def split_names(text: str, *, lines_only: bool = False) -> list[str]:
    """Guests' names as typed (separated by commas or lines) or stored (one per line):
    spaces tidied, blanks and repeats dropped."""
    names = []
    for name in re.split(r"\n" if lines_only else r"[,\n]", text or ""):
        name = " ".join(name.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def _count_guests(activity, names: list[str]) -> int:
    """Add the guests' names to the activity (each once) and count the new ones; inside the
    import's transaction, the activity's row locked."""
    if not names:
        return 0
    locked = type(activity).objects.select_for_update().get(pk=activity.pk)
    known = split_names(locked.guest_names, lines_only=True)
    taken = {name.casefold() for name in known}
    added = [name for name in split_names("\n".join(names), lines_only=True)
             if name.casefold() not in taken]  # fmt: skip
    if added:
        locked.guest_names = "\n".join(known + added)
        locked.guest_count += len(added)
        locked.save(update_fields=["guest_names", "guest_count"])
        activity.guest_names, activity.guest_count = locked.guest_names, locked.guest_count
    return len(added)


def _enqueue_invitations(import_id: int) -> None:
    from communities.tasks import send_attendance_import_invitations

    send_attendance_import_invitations.delay(import_id)
