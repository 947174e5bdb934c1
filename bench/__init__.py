"""Benchmark childcop at program scale, in PostgreSQL: `make bench` (`python -m bench`).

One run:

1. Two PostgreSQL databases: the large program (500 communities, 30,000 people,
   1,000,000 attendance records, 20,000 value-creation stories and everything around
   them; bench.data) and the same program at one tenth. The database is
   DATABASE_URL when it is a PostgreSQL URL, else postgres://postgres@127.0.0.1:5432/
   childcop_bench; the small one is the same name with "_small". Each is created when
   missing and seeded in bulk; a seeded database is reused while its marker (generator
   version and scale) matches (--rebuild seeds again). A database without the
   benchmark's marker that holds tables is never touched.
2. Both served by gunicorn at once (production settings: DEBUG off, a random secret,
   CHILDCOP_TESTING=1 so that no collected static files or HTTPS are needed), with
   bench.settings: a Server-Timing middleware reports the time each request
   spent in the process, and two baselines: the bare response (a trivial view served by
   the same process, signed in, a few bytes and no template: the target's reference) and
   the layout page (an empty page of the product's layout, signed in: reported).
3. A load generator (threads, keep-alive HTTP) sends every page of both sizes, warm-up
   first, then REQUESTS timed requests each, shuffled together so that both sizes and
   the baselines see the same conditions (one client by default, so that the machine's
   cores do not turn contention into noise; --concurrency to load it). The server time
   of each page: median and 95th percentile, as a multiple of the bare response's median
   (same size; of the layout page's too, reported), and large/small. Then each page's
   first view after a write, held to the same targets: before each view, one round of
   ordinary writes in the timed community, written as the product writes them (someone
   joins, an activity with twenty attendees is logged, a member asks for help, a story is
   approved: /__bench__/write/, undone at the end); and, reported, its first view after a
   release (every cached aggregate made stale at once, as a new release's cache prefix
   does).
4. The SQL queries of each page at both sizes (Django's test client, in process), which
   must be equal; the monthly health report job on the large program for one community in
   ten and for all of them (time, best of two runs, and queries).

Results: var/bench/results.json and a table on stdout. Exit status 1 when a target is
missed, 2 when a page or a step fails.

    python -m bench [--requests N] [--concurrency C] [--workers W] [--cold N]
                    [--rebuild] [--no-job]

The modules (the product never imports any of them):
- run: the run above, step by step (`python -m bench` calls its main);
- config: the pages, the targets and the result files;
- load: the gunicorn servers and the load generator;
- report: the targets checked, the tables printed;
- probe: the steps that run inside Django against one database (`python -m bench.probe`);
- data: the synthetic program written in bulk, with its figures (figures) and its rows
  (rows_communities, rows_program);
- settings, urls, server: what the benchmark's server adds to the product (the
  Server-Timing middleware and the baseline views).
"""
