"""Settings of the benchmark's server and probes: the product's settings (run by
bench.run in production mode: DEBUG off, a random secret, CHILDCOP_TESTING=1 so
that no collected static files or HTTPS are needed), plus the Server-Timing middleware
and the trivial baseline view. Never used by the product itself."""

from childcop.settings import *  # noqa: F403

MIDDLEWARE = ["bench.server.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "bench.urls"
