"""Sign-in limits (allauth's rate limits) in one process: per account and per address, the
address behind trusted proxies only, the product's own 429 page, a shared cache required."""

import ipaddress
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client, RequestFactory
from django.urls import reverse

from childcop.accounts.client_ip import client_ip
from childcop.cache import FileCache
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Email address and/or password you specified are not correct"
REFUSED = "Too many failed sign-in attempts"
LOCAL = [ipaddress.ip_network("127.0.0.1/32")]


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def sign_in(email, password, forwarded_for=None, client=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = (client or Client()).post(
        reverse("account_login"), {"login": email, "password": password}, headers=headers
    )
    if response.status_code == 302:
        return "signed in"
    text = response.content.decode().replace("\n", " ")
    if response.status_code == 200 and REFUSED in text:
        return "refused"
    if response.status_code == 200 and WRONG.lower() in text.lower():
        return "wrong"
    return response.status_code


def test_guessing_one_accounts_password_stops_after_five_tries_from_any_address(member, outsider):
    answers = [sign_in(member.email, f"guess-{i}", f"198.51.100.{i}") for i in range(7)]
    assert answers == ["wrong"] * 5 + ["refused"] * 2
    # Not even the right password gets in while the account is held; others sign in.
    assert sign_in(member.email, PASSWORD) == "refused"
    assert sign_in(outsider.email, PASSWORD) == "signed in"


def request(remote, forwarded_for=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **meta)


def test_the_forwarded_address_counts_only_from_a_trusted_proxy(settings):
    settings.CHILDCOP_TRUSTED_PROXIES = []
    assert client_ip(request("192.0.2.1", "203.0.113.10")) == "192.0.2.1"
    settings.CHILDCOP_TRUSTED_PROXIES = [
        ipaddress.ip_network(n) for n in ("10.0.0.0/8", "2001:db8::/32")
    ]
    assert client_ip(request("192.0.2.1", "203.0.113.10")) == "192.0.2.1"  # not our proxy
    assert client_ip(request("10.0.0.5", "203.0.113.10")) == "203.0.113.10"
    # A chain through two of our proxies; whatever the person wrote before them is ignored.
    assert client_ip(request("10.0.0.5", "6.6.6.6, 203.0.113.10, 10.1.1.1")) == "203.0.113.10"
    assert client_ip(request("2001:db8::1", "[2001:db8:1::7]:443")) == "2001:db8:1::7"
    assert client_ip(request("10.0.0.5", "203.0.113.10:5678")) == "203.0.113.10"
    assert client_ip(request("10.0.0.5", "not-an-address")) == "10.0.0.5"
    assert client_ip(request("10.0.0.5", "")) == "10.0.0.5"
    assert client_ip(request("10.0.0.5", "10.9.9.9")) == "10.9.9.9"  # all ours: the first


def test_without_trusted_proxies_a_forged_forwarded_address_does_not_escape_the_limit(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "600/m/ip", "login_failed": "3/m/ip,5/5m/key"}
    settings.CHILDCOP_TRUSTED_PROXIES = []
    answers = [sign_in(f"nobody{i}@example.org", "x", f"203.0.113.{i}") for i in range(4)]
    assert answers == ["wrong"] * 3 + ["refused"]
    # The same requests through a trusted proxy count by the forwarded address.
    settings.CHILDCOP_TRUSTED_PROXIES = LOCAL
    answers = [sign_in(f"someone{i}@example.org", "x", f"203.0.113.{i}") for i in range(4)]
    assert answers == ["wrong"] * 4
    assert sign_in("again@example.org", "x", "203.0.113.0") == "wrong"
    assert sign_in("more@example.org", "x", "203.0.113.0") == "wrong"
    assert sign_in("last@example.org", "x", "203.0.113.0") == "refused"


def test_too_many_attempts_answer_the_products_own_429_page(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip", "login_failed": "60/m/ip,5/5m/key"}
    client = Client()
    assert [sign_in("a@example.org", "x", client=client) for _ in range(2)] == ["wrong"] * 2
    response = client.post(reverse("account_login"), {"login": "a@example.org", "password": "x"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "<title>Too many attempts · childcop</title>" in page
    assert "Wait a minute and try again" in page and reverse("account_reset_password") in page
    assert 'class="navbar-brand' in page  # the product's layout
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_check_deploy_refuses_a_cache_of_each_process(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with pytest.raises(SystemCheckError, match="childcop.E004"):
        call_command("check", "--deploy", "--tag", "security")


def test_the_file_cache_takes_a_lock_once(tmp_path):
    lock = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 3}})
    assert lock.add("lock", True, timeout=10) is True
    assert lock.add("lock", True, timeout=10) is False
    lock.set("old", 1, timeout=0.01)
    time.sleep(0.02)
    assert lock.add("old", 2, timeout=10) is True and lock.get("old") == 2
    lock.delete("lock")
    assert lock.add("lock", True, timeout=10) is True
    for i in range(5):  # culled beyond MAX_ENTRIES, the fresh entry written
        lock.set(f"k{i}", i)
    assert lock.get("k4") == 4
    assert len(list(tmp_path.glob("*.djcache"))) <= 4


def test_a_busy_moment_waits_for_the_sign_in_count_rather_than_refusing():
    """allauth refuses a sign-in (429) when its count's lock is not free within a second;
    the product lets it wait longer, so a crowd signing in together is not refused."""
    from allauth.core.internal import ratelimit

    assert ratelimit.CACHE_LOCK_WAIT_TIMEOUT == 5
