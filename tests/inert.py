"""Stored-XSS payloads, and a check that a page renders them inert: what a browser would run
(event-handler attributes, javascript: links and actions, inline scripts) shows up nowhere."""

from html.parser import HTMLParser

ATTACKS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(2)">link</a>',
    '<div onmouseover="alert(3)">hover</div>',
]
PAYLOADS = [
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=\"alert('xss-img')\">",
    "<p onclick=\"alert('xss-attr')\">click me</p>",
    "[a link](javascript:alert('xss-md-link'))",
    "<a href=\"javascript:alert('xss-a')\">a link</a>",
]
PAYLOAD = "\n\n".join(PAYLOADS)
# The same payloads for a one-line field (a title, a name): one-line texts refuse line breaks.
ONE_LINE_PAYLOAD = " ".join(PAYLOADS)

MARKERS = ("alert", "xss")  # every payload carries one; our own pages carry neither


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and any(m in value for m in MARKERS):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value.startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and any(m in data for m in MARKERS):
            self.problems.append(f"<script>{data}</script>")


def assert_inert(html: str) -> None:
    """No payload became a script, an event handler or a javascript: link."""
    collector = _Collector()
    collector.feed(html)
    assert not collector.problems, collector.problems
