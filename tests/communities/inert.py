"""Stored-XSS payloads and a check that a page renders them inert."""

from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert('xss-script')</script>",
    "<img src=x onerror=\"alert('xss-img')\">",
    "<p onclick=\"alert('xss-attr')\">click me</p>",
    "[a link](javascript:alert('xss-md-link'))",
    "<a href=\"javascript:alert('xss-a')\">a link</a>",
]
PAYLOAD = "\n\n".join(PAYLOADS)


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
            if name.startswith("on") and "xss" in value:
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value.startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "xss" in data:
            self.problems.append(f"<script>{data}</script>")


def assert_inert(html: str) -> None:
    """No payload became a script, an event handler or a javascript: link."""
    collector = _Collector()
    collector.feed(html)
    assert not collector.problems, collector.problems
