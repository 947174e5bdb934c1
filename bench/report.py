"""The benchmark's verdict: each page's ratios checked against the targets, the report
job's checks, and the tables printed on stdout."""

from __future__ import annotations

import statistics

from bench.config import (
    BARE,
    JOB_QUERY_TOLERANCE,
    JOB_TIME_TOLERANCE,
    LANDSCAPE_JOB_MAX_SECONDS,
    LAYOUT,
    MAX_BASELINE_RATIO,
    MAX_SCALE_RATIO,
    say,
)

# --- the report ---------------------------------------------------------------------------

# The checks of the pages as they are served (the first table); the first views after a
# write have their own (the second).
WARM_CHECKS = ("x_baseline", "scale_ratio", "queries_equal")


def evaluate(
    pages, timings, queries, job, landscape_job=None
) -> tuple[list[dict], list[str], list[str]]:
    """Rows per page with their ratios and checks; the misses; the failures."""
    rows, misses, failures = [], [], []
    baseline = {size: timings[size][BARE.key] for size in ("large", "small")}
    for page in pages:
        row = {"key": page.key, "page": page.label, "path": page.path, "role": page.role}
        for size in ("large", "small"):
            timing = dict(timings[size][page.key])
            q = queries[size].get(page.key, {})
            timing["queries"] = q.get("queries")
            timing["status"] = q.get("status")
            if timing.get("median_ms") and baseline[size].get("median_ms"):
                timing["x_baseline"] = round(timing["median_ms"] / baseline[size]["median_ms"], 2)
            layout = timings[size][LAYOUT.key].get("median_ms")
            if timing.get("median_ms") and layout:
                timing["x_layout"] = round(timing["median_ms"] / layout, 2)
            row[size] = timing
            if q.get("status") != 200:
                failures.append(
                    f"{page.label} ({page.role}, {size}): {q.get('error') or 'HTTP ' + str(q.get('status'))}"
                )
            elif timing.get("errors") or not timing.get("requests"):
                errors = "; ".join(timing.get("errors") or ["no answer"])
                failures.append(f"{page.label} ({page.role}, {size}) under load: {errors}")
        large, small = row["large"], row["small"]
        if large.get("median_ms") and small.get("median_ms"):
            row["scale_ratio"] = round(large["median_ms"] / small["median_ms"], 2)
        checks = {
            "x_baseline": large.get("x_baseline") is not None
            and large["x_baseline"] <= MAX_BASELINE_RATIO,
            "scale_ratio": row.get("scale_ratio") is not None
            and row["scale_ratio"] <= MAX_SCALE_RATIO,
            "queries_equal": large.get("queries") is not None
            and large.get("queries") == small.get("queries"),
        }
        # the first view after a write: the same targets, against the same bare response
        base = baseline["large"].get("median_ms")
        cold_l, cold_s = large.get("cold_median_ms"), small.get("cold_median_ms")
        row["cold_x_baseline"] = round(cold_l / base, 2) if cold_l and base else None
        row["cold_scale_ratio"] = round(cold_l / cold_s, 2) if cold_l and cold_s else None
        checks["cold_x_baseline"] = (
            row["cold_x_baseline"] is not None and row["cold_x_baseline"] <= MAX_BASELINE_RATIO
        )
        checks["cold_scale_ratio"] = (
            row["cold_scale_ratio"] is not None and row["cold_scale_ratio"] <= MAX_SCALE_RATIO
        )
        row["checks"] = checks
        row["ok"] = all(checks.values())
        name = f"{page.label} ({page.role})"
        said = {
            "x_baseline": f"median {large.get('x_baseline')}× the bare response (target ≤ "
            f"{MAX_BASELINE_RATIO:g}×)",
            "scale_ratio": f"large/small {row.get('scale_ratio')} (target ≤ {MAX_SCALE_RATIO:g})",
            "queries_equal": f"{large.get('queries')} queries large, {small.get('queries')} small",
            "cold_x_baseline": f"first view after a write {row['cold_x_baseline']}× the bare "
            f"response (target ≤ {MAX_BASELINE_RATIO:g}×)",
            "cold_scale_ratio": f"first view after a write, large/small "
            f"{row['cold_scale_ratio']} (target ≤ {MAX_SCALE_RATIO:g})",
        }
        misses += [f"{name}: {said[check]}" for check, ok in checks.items() if not ok]
        rows.append(row)
    if job and job.get("available"):
        runs = job["runs"]
        tenth, everything, one = runs["tenth"], runs["all"], runs["all_one_batch"]
        # Emails aside (each its claim, its notification and the unread count: 3 queries).
        # A batch's count varies by a query or two with its data (a sub-query with nothing
        # to look up is skipped), hence the tolerance; a query per community would multiply
        # it by ten.
        job["checks"] = {
            # a batch holding every community costs what a batch of one tenth costs
            "queries_constant_per_batch": one["queries_without_emails"]
            <= tenth["queries_without_emails"] * JOB_QUERY_TOLERANCE,
            # the scheduled run costs that much per batch (the program report included)
            "queries_per_batch_in_the_scheduled_run": everything["queries_without_emails"]
            <= everything["batches"] * one["queries_without_emails"] * JOB_QUERY_TOLERANCE,
            # time at most linear in the number of communities
            "time_linear": everything["seconds"]
            <= tenth["seconds"]
            * everything["communities"]
            / tenth["communities"]
            * JOB_TIME_TOLERANCE,
        }
        job["time_ratio"] = round(everything["seconds"] / tenth["seconds"], 2)
        job["communities_ratio"] = round(everything["communities"] / tenth["communities"], 2)
        for check, ok in job["checks"].items():
            if not ok:
                misses.append(f"report job: {check.replace('_', ' ')} missed")
    check_landscape_job(landscape_job, misses)
    return rows, misses, failures


def check_landscape_job(landscape_job, misses) -> None:
    """The landscape job: under a minute for the large program, its time at most linear in
    the communities, its reads the same at both sizes (its INSERTs are one per 2,000 rows)."""
    if not landscape_job:
        return
    large, small = landscape_job.get("large", {}), landscape_job.get("small", {})
    if not (large.get("available") and small.get("available")):
        return
    ratio = large["communities"] / max(small["communities"], 1)
    landscape_job["checks"] = {
        "under_a_minute": large["seconds"] < LANDSCAPE_JOB_MAX_SECONDS,
        "time_linear": large["seconds"] <= small["seconds"] * ratio * JOB_TIME_TOLERANCE,
        "reads_equal": large["reads"] == small["reads"],
    }
    landscape_job["time_ratio"] = round(large["seconds"] / max(small["seconds"], 1e-6), 2)
    landscape_job["communities_ratio"] = round(ratio, 2)
    for check, ok in landscape_job["checks"].items():
        if not ok:
            misses.append(f"landscape job: {check.replace('_', ' ')} missed")


def table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells):
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def _ms(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def _x(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def print_report(result: dict) -> None:
    timings, rows = result["timings"], result["pages"]

    def baseline(page):
        L, S = timings["large"][page.key], timings["small"][page.key]
        base_l = timings["large"][BARE.key].get("median_ms")
        base_s = timings["small"][BARE.key].get("median_ms")
        ratio = L.get("median_ms") / S["median_ms"] if S.get("median_ms") else None
        return (
            [page.label, page.role, _ms(L.get("median_ms")), _ms(L.get("p95_ms")),
             _ms(S.get("median_ms")), _ms(S.get("p95_ms")),
             _x(L["median_ms"] / base_l if base_l and L.get("median_ms") else None),
             _x(S["median_ms"] / base_s if base_s and S.get("median_ms") else None),
             _x(ratio), "-", "-", ""]
        )  # fmt: skip

    baselines = [baseline(BARE), baseline(LAYOUT)]
    body = []
    for r in rows:
        L, S = r["large"], r["small"]
        body.append(
            [r["page"], r["role"], _ms(L.get("median_ms")), _ms(L.get("p95_ms")),
             _ms(S.get("median_ms")), _ms(S.get("p95_ms")), _x(L.get("x_baseline")),
             _x(S.get("x_baseline")), _x(r.get("scale_ratio")), str(L.get("queries", "-")),
             str(S.get("queries", "-")),
             "ok" if all(r["checks"][c] for c in WARM_CHECKS) else "MISSED"]
        )  # fmt: skip
    headers = ["page", "as", "large med ms", "p95", "small med ms", "p95", "×bare L",
               "×bare S", "L/S", "queries L", "S", "result"]  # fmt: skip
    say(table(headers, baselines + body, set(range(2, 11))))
    say(
        f"Targets: large median ≤ {MAX_BASELINE_RATIO:g}× the bare response; large/small ≤ "
        f"{MAX_SCALE_RATIO:g}; the same queries at both sizes. Server time measured in the "
        "process (Server-Timing). Against the layout page, the large medians are: "
        + ", ".join(f"{r['page']} ({r['role']}) {_x(r['large'].get('x_layout'))}×" for r in rows)
        + "."
    )
    cold_rows = [
        [r["page"], r["role"], _ms(r["large"].get("cold_median_ms")),
         _ms(r["small"].get("cold_median_ms")), _x(r.get("cold_x_baseline")),
         _x(r.get("cold_scale_ratio")), str(r["large"].get("cold_queries", "-")),
         str(r["small"].get("cold_queries", "-")),
         "ok" if r["checks"]["cold_x_baseline"] and r["checks"]["cold_scale_ratio"]
         else "MISSED"]
        for r in rows
    ]  # fmt: skip
    say()
    say(
        "First view after a write (a person joins the timed community, an activity with "
        "twenty attendees is logged there, a member asks for help, a story is approved; "
        "then the page, which recomputes what those writes change):"
    )
    say(table(["page", "as", "large med ms", "small med ms", "×bare L", "L/S", "queries L",
               "S", "result"], cold_rows, set(range(2, 8))))  # fmt: skip
    writes = {
        size: [r[size]["write_median_ms"] for r in rows if r[size].get("write_median_ms")]
        for size in ("large", "small")
    }
    if writes["large"] and writes["small"]:
        say(
            "The round of writes itself (its request: the writes, then what it computes "
            "again at once for the next views, childcop.warming), median over the pages: "
            f"{statistics.median(writes['large']):.1f} ms large, "
            f"{statistics.median(writes['small']):.1f} ms small."
        )
    release_rows = [
        [r["page"], r["role"], _ms(r["large"].get("release_median_ms")),
         _ms(r["small"].get("release_median_ms")),
         _x(r["large"]["release_median_ms"] / r["small"]["release_median_ms"]
            if r["large"].get("release_median_ms") and r["small"].get("release_median_ms")
            else None),
         str(r["large"].get("release_queries", "-")),
         str(r["small"].get("release_queries", "-"))]
        for r in rows
    ]  # fmt: skip
    say()
    say(
        "First view after a release (every cached figure stale at once, as under a new "
        "release's cache prefix; reported, no target):"
    )
    say(table(["page", "as", "large med ms", "small med ms", "L/S", "queries L", "S"],
              release_rows, set(range(2, 7))))  # fmt: skip
    job = result.get("job") or {}
    if job.get("available"):
        say()
        runs = job["runs"]
        job_rows = [
            [name, str(run["communities"]), str(run["batches"]), f"{run['seconds']:.2f}",
             str(run["queries"]), str(run["emails"]), str(run["queries_without_emails"])]
            for name, run in [("one tenth", runs["tenth"]), ("all (scheduled run)", runs["all"]),
                              ("all, one batch", runs["all_one_batch"])]
        ]  # fmt: skip
        say(f"Monthly health report job, {job['period'][:7]}, large program:")
        say(table(["run", "communities", "batches", "seconds", "queries", "emails",
                   "queries less emails"], job_rows, set(range(1, 7))))  # fmt: skip
        say(
            f"Time all/tenth: {job['time_ratio']} for {job['communities_ratio']}× the "
            f"communities. Checks: "
            + ", ".join(f"{k.replace('_', ' ')} {'ok' if v else 'MISSED'}" for k, v in job["checks"].items())
        )  # fmt: skip
    elif job:
        say(f"\nMonthly report job: not measured ({job.get('reason', 'not available')}).")
    landscape_job = result.get("landscape_job") or {}
    if landscape_job.get("checks"):
        rows = [
            [size, str(landscape_job[size]["communities"]), str(landscape_job[size]["links"]),
             str(landscape_job[size]["brokers"]), f"{landscape_job[size]['seconds']:.2f}",
             f"{landscape_job[size]['layout_seconds']:.2f}", str(landscape_job[size]["reads"]),
             str(landscape_job[size]["inserts"])]
            for size in ("large", "small")
        ]  # fmt: skip
        say("\nLandscape job (layout included):")
        say(table(["size", "communities", "links", "brokers", "seconds", "layout s", "reads",
                   "inserts"], rows, set(range(1, 8))))  # fmt: skip
        say(
            f"Time large/small: {landscape_job['time_ratio']} for "
            f"{landscape_job['communities_ratio']}× the communities; "
            + ", ".join(f"{k.replace('_', ' ')} {'ok' if v else 'MISSED'}"
                        for k, v in landscape_job["checks"].items())
        )  # fmt: skip
