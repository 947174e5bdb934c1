"""Markup lives in templates: the product builds no HTML in Python strings.

Every module of the product (migrations and the benchmark aside) is read as a syntax tree:
a use of `mark_safe`, `format_html`, `format_html_join` or `SafeString`, or a string that
holds an HTML or SVG tag (docstrings aside), fails the test with its file and line —
unless it sits in a small template tag or filter (a function of at most a few lines in a
`templatetags` module, such as the sanitised Markdown filter) or is one of the listed
exceptions, each with its reason.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["childcop", "communities", "sponsorship", "practice_groups", "value_stories", "audit"]
NAMES = {"mark_safe", "format_html", "format_html_join", "SafeString", "SafeText"}
ELEMENTS = (
    "a|b|br|button|circle|code|dd|desc|details|div|dl|dt|em|figcaption|figure|form|g|"
    "h[1-6]|hr|i|img|input|label|li|line|ol|option|p|path|polygon|polyline|pre|rect|"
    "section|select|small|span|strong|summary|svg|table|tbody|td|text|textarea|th|thead|"
    "title|tr|tspan|ul"
)
TAG = re.compile(rf"</?(?:{ELEMENTS})(?=[\s>/])", re.IGNORECASE)
TINY = 6  # lines of a template tag or filter, its `def` and docstring included

# (module, function's qualified name): why it may build markup in Python.
EXCEPTIONS: dict[tuple[str, str], str] = {
    ("childcop/forms.py", "render_select"): (
        "Django's own <select> markup, drawn for hundreds of options (every community or "
        "person of the program) where a template per option took ~100 ms; every value is "
        "escaped, and tests/test_widget_templates.py compares it with Django's templates"
    ),
}


def product_modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts or relative.name.startswith("bench"):
                continue
            yield relative


class MarkupFinder(ast.NodeVisitor):
    """Collects (line, what, enclosing function's qualified name, its length in lines)."""

    def __init__(self, tree):
        self.found = []
        self.stack = []  # (name, number of lines) of the enclosing classes and functions
        self.docstrings = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                first = node.body[0] if node.body else None
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    self.docstrings.add(id(first.value))

    def _scoped(self, node):
        self.stack.append((node.name, node.end_lineno - node.lineno + 1))
        self.generic_visit(node)
        self.stack.pop()

    visit_ClassDef = visit_FunctionDef = visit_AsyncFunctionDef = _scoped

    def _found(self, node, what):
        qualname = ".".join(name for name, _ in self.stack)
        length = self.stack[-1][1] if self.stack else None
        if not any(line == node.lineno and w == what for line, w, *_ in self.found):
            self.found.append((node.lineno, what, qualname, length))

    def visit_Name(self, node):
        if node.id in NAMES:
            self._found(node, node.id)

    def visit_Attribute(self, node):
        if node.attr in NAMES:
            self._found(node, node.attr)
        self.generic_visit(node)

    def visit_Constant(self, node):
        text = node.value
        if isinstance(text, str) and id(node) not in self.docstrings and TAG.search(text):
            self._found(node, "HTML in a string")


def markup_in(relative: Path):
    tree = ast.parse((ROOT / relative).read_text(), filename=str(relative))
    finder = MarkupFinder(tree)
    finder.visit(tree)
    for line, what, qualname, length in finder.found:
        tiny_tag = "templatetags" in relative.parts and length is not None and length <= TINY
        if tiny_tag or (relative.as_posix(), qualname) in EXCEPTIONS:
            continue
        yield f"{relative}:{line}: {what} in {qualname or 'the module'}"


def test_no_markup_is_built_in_python():
    found = [hit for relative in product_modules() for hit in markup_in(relative)]
    assert not found, "Markup belongs in templates:\n" + "\n".join(found)


def test_the_finder_sees_markup_and_spares_docstrings_and_tiny_tags(tmp_path):
    """The check itself: what it reports and what it lets through."""
    source = '''
"""A module about <svg> charts (a docstring)."""
from django.utils.safestring import mark_safe


def card(name):
    return mark_safe(f"<div class='card'>{name}</div>")


def label(n):
    return f"<span>{n}</span>"
'''
    tree = ast.parse(source)
    finder = MarkupFinder(tree)
    finder.visit(tree)
    assert sorted((line, what, name) for line, what, name, _ in finder.found) == [
        (7, "HTML in a string", "card"),
        (7, "mark_safe", "card"),
        (11, "HTML in a string", "label"),
    ]
    tags = ROOT / "childcop" / "templatetags" / "childcop.py"
    assert "mark_safe" in tags.read_text()  # the Markdown filter: a tiny tag, let through
    assert list(markup_in(tags.relative_to(ROOT))) == []
