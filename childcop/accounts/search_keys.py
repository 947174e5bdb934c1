"""The keys the person picker finds people by (childcop.accounts.picker).

A person's keys are their name from each of its words onward ("noor haddad", "haddad") and
their email, folded: lower case, accents dropped ("Chloé Müller" gives "chloe muller" and
"muller"). What is typed, folded the same way, finds the people with a key that begins with
it: the beginning of any word of their name, or of their email.

Keys are stored as the bytes of their UTF-8 text (PersonSearchKey.key): bytes compare the
same way on PostgreSQL and SQLite whatever the database's collation, so "the keys that
begin with what is typed" is one range of an index, read in order, on both.

User.save keeps a person's keys; whatever creates people without it (bulk_create, COPY)
writes them with `rows_for` (the attendance import, the benchmark's data).
"""

from __future__ import annotations

import re
import unicodedata

# Words of a name from which it is found on its own; the name is still found from its
# last word through this one's key ("de la cruz fernandez").
MAX_WORDS = 5
# At most this many keys per person (the words and the email): the picker reads this many
# rows per suggestion to be sure of its distinct people.
MAX_KEYS = MAX_WORDS + 1

_WORD_START = re.compile(r"(?<!\w)\w")  # a letter or digit after a space, hyphen, '… or nothing
# Above any byte of UTF-8 text: a key begins with `prefix` when prefix <= key < prefix + END.
END = b"\xff"


def fold(text: str) -> str:
    """Lower case, without accents, on one line with single spaces."""
    decomposed = unicodedata.normalize("NFKD", " ".join((text or "").split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def keys_for(display_name: str, email: str) -> list[bytes]:
    """The keys of a person with this name and email (distinct, at most MAX_KEYS)."""
    name = fold(display_name)
    texts = [name[m.start() :] for m in _WORD_START.finditer(name)][:MAX_WORDS]
    texts.append(fold(email))
    return list(dict.fromkeys(t.encode() for t in texts if t))


def prefix_range(text: str) -> tuple[bytes, bytes]:
    """The keys that begin with `text` (already folded) lie in [low, high)."""
    low = text.encode()
    return low, low + END


def rows_for(people) -> list:
    """Unsaved PersonSearchKey rows for these saved people (for bulk_create)."""
    from .models import PersonSearchKey

    return [
        PersonSearchKey(person_id=person.pk, key=key)
        for person in people
        for key in keys_for(person.display_name, person.email)
    ]
