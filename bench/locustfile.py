"""The simulated people of `make loadtest` (locust), run headless by `bench.loadtest`.

    python bench/locustfile.py --host URL --people FILE --users 50 --seconds 60
        --spawn-rate 2 [--no-pauses] --out FILE

Each simulated person takes one account of FILE (written by `bench.loadtest`), signs in
through the real login form, then acts as their role does, pausing 1–5 s between actions
(none with --no-pauses):

- members read their community and its help requests, ask for help, vote on the agenda
  (and take the vote back), autosave a value-creation story draft;
- coordinators open their community's page and log an activity with attendance;
- sponsors open their dashboard;
- program admins filter the program overview and export it as CSV.

Writes per page (and in total) requests per second, median / 95th / 99th percentile and
errors as JSON. Imports no Django: locust patches the standard library with gevent.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import threading  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, between, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STORY_ID = re.compile(r'name="story_id" id="story-id" value="(\d+)"')
ACCOUNTS: list[dict] = []
_next = itertools.count()
_lock = threading.Lock()


def account() -> dict:
    with _lock:
        return ACCOUNTS[next(_next) % len(ACCOUNTS)]


class Person(HttpUser):
    wait_time = between(1, 5)

    def on_start(self):
        self.me = account()
        self.rng = random.Random(self.me["email"])  # noqa: S311 — load, not security
        self.story_id = ""
        page = self.client.get("/accounts/login/", name="sign-in form")
        with self.client.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": self._token(page), "login": self.me["email"],
             "password": self.me["password"]},
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in (POST)", allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"sign-in answered {response.status_code}")

    def _token(self, response) -> str:
        found = TOKEN.search(response.text or "")
        return found.group(1) if found else ""

    def _post(self, url, data, name, *, expect=302, referer=None):
        with self.client.post(
            url, data, headers={"Referer": self.host + (referer or url)}, name=name,
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != expect:
                response.failure(f"{name} answered {response.status_code}")
            return response

    @task
    def act(self):
        getattr(self, self.me["role"])()

    # --- members ----------------------------------------------------------------------
    def member(self):
        slug = self.me["community"]
        choice = self.rng.random()
        if choice < 0.35:
            self.client.get(f"/communities/{slug}/", name="community page (member)")
        elif choice < 0.55:
            self.client.get(f"/communities/{slug}/help/", name="help requests")
        elif choice < 0.7:
            url = f"/communities/{slug}/help/new/"
            form = self.client.get(url, name="ask for help (form)")
            self._post(url, {"csrfmiddlewaretoken": self._token(form),
                             "title": f"How do others handle case {self.rng.randint(1, 10**6)}?",
                             "challenge": "We tried two ways and neither stuck."},
                       "ask for help (POST)")  # fmt: skip
        elif choice < 0.85:
            round_url = f"/communities/{slug}/agenda/rounds/{self.me['round']}/"
            page = self.client.get(round_url, name="voting round")
            token = self._token(page)
            for action in ("add", "remove"):
                self._post(round_url + "vote/",
                           {"csrfmiddlewaretoken": token, "item": self.me["item"],
                            "action": action},
                           "vote (POST)", referer=round_url)  # fmt: skip
        else:
            url = f"/stories/community/{slug}/new/"
            if not self.story_id:
                self.form = self.client.get(url, name="story form")
            data = {"csrfmiddlewaretoken": self._token(self.form), "story_id": self.story_id,
                    "title": "What the clinic changed for us", "narrative": "ground",
                    "visibility": "community", "happened_on": datetime.now(UTC).date().isoformat(),
                    "experience": "We met and compared our cases. " * self.rng.randint(1, 5),
                    "indicators-TOTAL_FORMS": "0", "indicators-INITIAL_FORMS": "0",
                    "indicators-MIN_NUM_FORMS": "0", "indicators-MAX_NUM_FORMS": "1000"}  # fmt: skip
            with self.client.post(
                f"/stories/community/{slug}/autosave/", data,
                headers={"Referer": self.host + url, "HX-Request": "true"},
                name="autosave story draft (POST)", catch_response=True,
            ) as response:  # fmt: skip
                if response.status_code != 200 or "Draft saved" not in response.text:
                    response.failure(f"autosave: {response.status_code} {response.text[:200]}")
                found = STORY_ID.search(response.text or "")
                if found:
                    self.story_id = found.group(1)

    # --- coordinators -------------------------------------------------------------------
    def coordinator(self):
        slug = self.me["community"]
        if self.rng.random() < 0.6:
            self.client.get(f"/communities/{slug}/", name="community page (coordinator)")
            return
        url = f"/communities/{slug}/activities/new/"
        form = self.client.get(url, name="log an activity (form)")
        attendees = self.rng.sample(self.me["attendees"], min(12, len(self.me["attendees"])))
        self._post(url, {"csrfmiddlewaretoken": self._token(form),
                         "date": datetime.now(UTC).date().isoformat(), "title": "Case clinic",
                         "activity_type": "productive_inquiries", "format": "many_to_many",
                         "summary": "Three cases.", "guest_count": "0",
                         "outputs-TOTAL_FORMS": "0", "outputs-INITIAL_FORMS": "0",
                         "attendees": attendees},
                   "log an activity with attendance (POST)")  # fmt: skip

    # --- sponsors and program admins ----------------------------------------------------
    def sponsor(self):
        self.client.get("/sponsorship/dashboard/", name="sponsor dashboard")

    def admin(self):
        if self.rng.random() < 0.75:
            stage = self.rng.choice(["", "maturing", "coalescing", "not_closed"])
            self.client.get(f"/program/?stage={stage}&q=", name="program overview (filtered)")
        else:
            self.client.get("/program/export.csv?stage=maturing", name="program overview CSV")


def summarise(environment, seconds: float) -> dict:
    stats = environment.stats
    pages = {}
    for (name, method), entry in sorted(stats.entries.items()):
        pages[name] = {
            "method": method,
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "rps": round(entry.num_requests / seconds, 2),
            "median_ms": entry.median_response_time,
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
        }
    total = stats.total
    return {
        "seconds": round(seconds, 1),
        "pages": pages,
        "total": {
            "requests": total.num_requests,
            "errors": total.num_failures,
            "rps": round(total.num_requests / seconds, 2),
            "median_ms": total.median_response_time,
            "p95_ms": total.get_response_time_percentile(0.95),
            "p99_ms": total.get_response_time_percentile(0.99),
        },
        "error_samples": [
            {"name": e.name, "error": str(e.error)[:300], "count": e.occurrences}
            for e in list(stats.errors.values())[:20]
        ],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--people", required=True)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--no-pauses", action="store_true")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    with open(args.people) as people:
        ACCOUNTS.extend(json.load(people))
    Person.host = args.host
    Person.wait_time = constant(0) if args.no_pauses else between(1, 5)
    environment = Environment(user_classes=[Person])
    runner = environment.create_local_runner()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    # Measure once everyone is in: signing in is part of the load, the ramp is not timed.
    ramp_started = gevent.get_hub().loop.now()
    gevent.sleep(args.users / args.spawn_rate + 5)
    ramp = summarise(environment, gevent.get_hub().loop.now() - ramp_started)
    environment.stats.reset_all()
    started = gevent.get_hub().loop.now()
    gevent.sleep(args.seconds)
    seconds = gevent.get_hub().loop.now() - started
    result = summarise(environment, seconds)
    result["ramp"] = ramp  # everyone arriving and signing in (not in the figures above)
    runner.quit()
    with open(args.out, "w") as out:
        json.dump(result, out, indent=2)


if __name__ == "__main__":
    main()
