"""Settings of the benchmark's server and probes: the product's settings (run by
childcop.bench in production mode: DEBUG off, a random secret, CHILDCOP_TESTING=1 so
that no collected static files or HTTPS are needed), plus the Server-Timing middleware
and the trivial baseline view. Never used by the product itself."""

from .settings import *  # noqa: F403

MIDDLEWARE = ["childcop.bench_server.ServerTimingMiddleware", *MIDDLEWARE]  # noqa: F405
ROOT_URLCONF = "childcop.bench_urls"
