"""What the benchmark measures and where it writes: its files, the targets, the pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
RESULTS = BENCH_DIR / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/childcop_bench"
SMALL_SCALE = 0.1

# Targets (issue 8, acceptance 1–3).
MAX_BASELINE_RATIO = 10.0  # a page's median server time, large program, over the bare response's
MAX_SCALE_RATIO = 1.5  # a page's median server time, large over small
# The report job's time for all communities over its time for one tenth: at most linear
# (10× for 10× the communities), with this allowance for the machine's noise.
JOB_TIME_TOLERANCE = 1.25
# Its queries (emails aside) per batch: the same whatever the batch holds, give or take this.
JOB_QUERY_TOLERANCE = 1.25


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str  # {community} is the timed community's slug
    role: str  # admin, coordinator or sponsor (bench.figures)
    needs: str = ""  # a path that must resolve for the page to exist yet


# The baselines (bench.server): the target is against the first, "a trivial view
# served by the same process" (issue 8): a few bytes without a template, signed in; the
# second, an empty page of the product's layout, is reported beside it.
BARE = Page("bare", "bare response (baseline)", "/__bench__/bare/", "admin")
LAYOUT = Page("trivial", "layout page (reported)", "/__bench__/trivial/", "admin")
PAGES = [
    Page("home_admin", "home page", "/", "admin"),
    # "Needs you" as the coordinator of the largest community, and as a portfolio sponsor
    Page("home_member", "home page", "/", "coordinator"),
    Page("home_sponsor", "home page", "/", "sponsor"),
    Page("community", "community page", "/communities/{community}/", "coordinator"),
    Page("sponsor_dashboard", "sponsor dashboard", "/sponsorship/dashboard/", "sponsor"),
    Page("program_overview", "program overview", "/program/", "admin", needs="/program/"),
    Page("value_matrix", "value matrix", "/stories/matrix/", "admin"),
]


def say(message: str = "") -> None:
    print(message, flush=True)
