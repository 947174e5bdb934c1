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
# The landscape job (layout included) for the large program: under a minute, and its time
# at most linear in the communities (large over small, with JOB_TIME_TOLERANCE).
LANDSCAPE_JOB_MAX_SECONDS = 60.0


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str  # {community} is the timed community's slug
    role: str  # admin, coordinator or sponsor (bench.figures)
    needs: str = ""  # a path that must resolve for the page to exist yet
    token: bool = False  # read with a personal access token (the reporting API), not a session


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
    # The person picker's suggestions for a name typed in a person field, among everyone.
    Page("person_picker", "person picker", "/people/pick/?field=q&q=an", "admin"),
    # The reporting API's largest endpoint: every activity of the program with its attendance
    # count (the million attendance records), a page of 100 as a reporting tool reads it.
    Page(
        "api_activities",
        "API: activities (100 a page)",
        "/api/v1/activities/",
        "admin",
        needs="/api/v1/activities/",
        token=True,
    ),  # fmt: skip
    Page(
        "retention",
        "community retention",
        "/communities/{community}/retention/",
        "coordinator",
        needs="/program/landscape/",
    ),
    Page(
        "program_retention",
        "program retention",
        "/program/retention/",
        "admin",
        needs="/program/landscape/",
    ),
    Page(
        "landscape",
        "landscape of practice",
        "/program/landscape/",
        "admin",
        needs="/program/landscape/",
    ),
]


def say(message: str = "") -> None:
    print(message, flush=True)
