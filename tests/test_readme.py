"""The README's first ten minutes: the demo roles, another port, the benchmark apart."""

import subprocess
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def test_the_readme_opens_with_what_to_try_and_links_the_performance_page():
    readme = (ROOT / "README.md").read_text()
    first = readme.index("## Your first ten minutes")
    assert first < readme.index("### Demo logins") < readme.index("## Configuration")
    ten_minutes = readme[first : readme.index("### Demo logins")]
    for email in ("coordinator@", "member@", "sponsor@", "admin@"):
        assert email in ten_minutes
    assert "PORT=8001 make run" in ten_minutes
    assert "(docs/performance.md)" in readme and "| page (viewer) |" not in readme
    assert "| page (viewer) |" in (ROOT / "docs/performance.md").read_text()


def test_make_run_serves_on_the_port_it_is_given():
    assert "127.0.0.1:$PORT" in (ROOT / "Procfile").read_text()
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8001"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "http://127.0.0.1:8001" in dry and "honcho" in dry
