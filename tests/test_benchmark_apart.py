"""The benchmark (`bench/`, `make bench`) stays outside the product: no product module imports
it, and its command line and its server's settings still load."""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCT = ["childcop", "communities", "sponsorship", "practice_groups", "value_stories", "audit"]


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_the_product_never_imports_the_benchmark():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in imported_modules(path)
        if module == "bench" or module.startswith("bench.")
    ]
    assert offenders == []


def run(*args, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=environ, timeout=60
    )


def test_the_benchmark_command_lines_parse():
    for module in ("bench", "bench.probe"):
        result = run("-m", module, "--help")
        assert result.returncode == 0, result.stderr
        assert f"python -m {module}" in result.stdout


def test_the_benchmark_server_serves_the_product_and_its_baselines():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings; from django.urls import resolve\n"
        "assert settings.MIDDLEWARE[0] == 'bench.server.ServerTimingMiddleware'\n"
        "for path in ('/__bench__/bare/', '/__bench__/trivial/', '/__bench__/invalidate/', '/'):\n"
        "    resolve(path)\n"
        "print('ok')\n"
    )
    result = run(
        "-c",
        script,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="1",
        CHILDCOP_TESTING="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
