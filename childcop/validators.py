"""Validators shared by the product's models.

`single_line`: on every one-line text field a person types (titles, names, subjects). Such
a text ends up in an email's subject or header and on one-line displays: a line break
there makes Django refuse the email, and other control characters (tabs, bidirectional
overrides, zero-width marks) disguise what it says. The zero-width joiner and non-joiner,
which some scripts and emoji need, are allowed.
"""

from __future__ import annotations

import re
import sys
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

ALLOWED = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: part of words and emoji

CONTROL_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")
# Unicode has such characters in the first two planes and in plane 14 (the tags) only:
# the others hold ideographs and private use. Scanning those three, not all 1.1 million
# code points, takes a sixth of the time every process spends importing this module
# (tests/test_single_line.py checks that the whole range gives the same).
CONTROL_PLANES = (0, 1, 14)


def control_characters(planes=CONTROL_PLANES) -> str:
    """Control (Cc) and format (Cf) characters, and the line and paragraph separators (Zl,
    Zp), but ALLOWED, in `planes` (each 65,536 code points)."""
    return "".join(
        chr(code)
        for plane in planes
        for code in range(plane * 0x10000, min((plane + 1) * 0x10000, sys.maxunicode + 1))
        if unicodedata.category(chr(code)) in CONTROL_CATEGORIES and chr(code) not in ALLOWED
    )


CONTROL = re.compile("[" + "".join(re.escape(char) for char in control_characters()) + "]")


def has_control(text: str) -> bool:
    return bool(text) and CONTROL.search(text) is not None


def one_line(text: str) -> str:
    """`text` on one line: each run of control characters and the blanks around it becomes
    one space; the ends are stripped. A text without any is returned as it is."""
    if not has_control(text):
        return text
    return re.sub(r"\s*(?:" + CONTROL.pattern + r"\s*)+", " ", text).strip()


@deconstructible(path="childcop.validators.SingleLine")
class SingleLine:
    message = (
        "Keep this on one line: line breaks, tabs and other control characters are not "
        "allowed here."
    )
    code = "single_line"

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_control(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other) -> bool:
        return isinstance(other, SingleLine)

    def __hash__(self) -> int:
        return hash(SingleLine)


single_line = SingleLine()


def one_line_rows(apps, app_label: str, fields) -> int:
    """Put the rows' texts on one line (`one_line`); for the data migrations that come with
    `single_line`. `fields`: (model name, field name) pairs. A text made equal to another
    row's in a unique field gets the row's id after it. Returns the number of rows changed."""
    by_model: dict[str, list[str]] = {}
    for model_name, name in fields:
        by_model.setdefault(model_name, []).append(name)
    changed = 0
    for model_name, names in by_model.items():
        model = apps.get_model(app_label, model_name)
        rows = model._base_manager.order_by("pk").values_list("pk", *names)
        pending = [
            (pk, {n: one_line(v) for n, v in zip(names, values, strict=True) if has_control(v)})
            for pk, *values in rows.iterator(chunk_size=2000)
            if any(has_control(v) for v in values)
        ]
        for pk, changes in pending:
            for name, text in changes.items():
                field = model._meta.get_field(name)
                taken = model._base_manager.filter(**{name: text}).exclude(pk=pk)
                if field.unique and taken.exists():
                    suffix = f" ({pk})"
                    changes[name] = text[: field.max_length - len(suffix)] + suffix
            model._base_manager.filter(pk=pk).update(**changes)
            changed += 1
    return changed
