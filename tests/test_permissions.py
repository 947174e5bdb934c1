"""The permission matrix: every URL pattern × every role has an explicit expectation.

A new URL without a row here fails `test_every_url_pattern_has_a_rule`, so nothing
slips in unprotected. Expectations: an HTTP status, LOGIN (redirect to the login
page), ADMIN_LOGIN (redirect to the admin's login) or AWAY (a redirect elsewhere).
"""

import pytest
from django.urls import reverse

from childcop.api.views import ENDPOINTS as API_ENDPOINTS
from childcop.api.views import url_name
from communities.factories import ActivityFactory, CommunityFactory, RhythmFactory, SessionFactory
from communities.models import AttendanceImport
from sponsorship.factories import AppointmentFactory, CouncilFactory, MentorPairFactory
from sponsorship.models import BusinessCaseVersion
from value_stories.factories import ValueStoryFactory

from .conftest import ROLES, bearer_tokens
from .routes import walk

LOGIN, ADMIN_LOGIN, AWAY = "login", "admin-login", "away"


def everyone(code):
    return dict.fromkeys(ROLES, code)


def signed_in(code, **overrides):
    return {**everyone(code), "anonymous": LOGIN, **overrides}


def only(allowed, *, granted=200, denied=403):
    """Signed-in roles in `allowed` get `granted`, the other signed-in roles `denied`."""
    return {
        role: (LOGIN if role == "anonymous" else granted if role in allowed else denied)
        for role in ROLES
    }


MANAGERS = {"coordinator", "admin"}
MEMBERS = {"member", "core", "coordinator"}
LOGGERS = {"core", "coordinator", "admin"}  # who log activities and attendance

# For pages of allauth that signed-in people are sent away from, and vice versa.
PUBLIC_ENTRANCE = {**everyone(AWAY), "anonymous": 200}

# Every other admin page: everyone but program admins is sent to sign in (the admin's
# login sends anonymous people to ours and refuses signed-in non-staff with 403).
ADMIN_RULE = {**everyone(ADMIN_LOGIN), "admin": 200}

RULES = {
    "sponsorship:dashboard": only({"admin", "sponsor"}),
    # Another community's sponsor view does not exist for anyone but its sponsors: 404.
    "sponsorship:community_dashboard": only({"admin", "sponsor"}, denied=404),
    "home": signed_in(200),
    "healthz": everyone(200),
    "profile": signed_in(200),
    # Calendar feeds are public (the secret token in the address is the credential): the
    # matrix passes a made-up token, so everyone, signed in or not, gets 404.
    "calendar_community": everyone(404),
    "calendar_mine": everyone(404),
    # One-click unsubscribe is public too (signed token); a made-up token is 404 for everyone.
    "unsubscribe": everyone(404),
    # Revoking a feed's address is POST only: GET is 405 for every signed-in role (who may
    # POST is tested in tests/communities/test_calendar.py).
    "calendar_rotate_mine": signed_in(405),
    "communities:calendar_rotate": signed_in(405),
    # Each person's own notifications and preferences; marking read is POST only (who may
    # mark which: tests/accounts/test_notifications.py).
    "notifications:list": signed_in(200),
    "notifications:preferences": signed_in(200),
    "notifications:read": signed_in(405),
    "notifications:read_all": signed_in(405),
    "people:list": signed_in(200),
    "people:pick": signed_in(200),  # suggestions: only people the chooser may see
    # The directory shows each person only the people who share a community with them,
    # the sponsors and the social learning team (childcop.permissions.people): the member's
    # page does not exist for the outsider, nor for the community's sponsor, who is not a
    # member of it.
    "people:detail": signed_in(200, outsider=404, sponsor=404),
    # Personal data rights: each person downloads their own data (POST only: GET is 405);
    # only program admins erase a person (the matrix's person is the member).
    "my_data": signed_in(405),
    "people:erase": only({"admin"}),
    # The audit log and its export: the social learning team's only.
    "program:audit": only({"admin"}),
    "program:audit_export": only({"admin"}),
    # Nobody adds or deletes an audit entry, not even in the admin (read-only there).
    "admin:audit_auditentry_add": {**ADMIN_RULE, "admin": 403},
    "admin:audit_auditentry_delete": {**ADMIN_RULE, "admin": 403},
    "communities:list": signed_in(200),
    "communities:create": only({"admin"}),
    "communities:detail": signed_in(200),
    "communities:edit": only(MANAGERS),
    "communities:stage": only({"admin"}),
    "communities:join": signed_in(405),  # POST only
    "communities:leave": only(MEMBERS),
    "communities:members": signed_in(200),
    "communities:members_export": only(MANAGERS),
    "communities:member_add": only(MANAGERS),
    "communities:membership_edit": only(MANAGERS),
    "communities:membership_remove": only(MANAGERS),
    "communities:rhythm": signed_in(200),
    "communities:rhythm_create": only(MANAGERS),
    "communities:rhythm_edit": only(MANAGERS),
    "communities:rhythm_delete": only(MANAGERS),
    "communities:session_create": only(MANAGERS),
    "communities:session_edit": only(MANAGERS),
    "communities:session_cancel": only(MANAGERS),
    "communities:activities": signed_in(200),
    "communities:activity_create": only(LOGGERS),
    "communities:activity_detail": signed_in(200),
    "communities:activity_edit": only(LOGGERS),
    "communities:activity_delete": only(MANAGERS),
    "communities:attendance_import": only({"core", "coordinator", "admin"}),
    "communities:attendance_import_confirm": only({"core", "coordinator", "admin"}),
    # Attendance imports are created by uploading a file, never in the admin.
    "admin:communities_attendanceimport_add": {**ADMIN_RULE, "admin": 403},
    # allauth
    "account_login": PUBLIC_ENTRANCE,
    "account_signup": PUBLIC_ENTRANCE,
    "account_logout": signed_in(200),
    "account_inactive": everyone(200),
    "account_reauthenticate": signed_in(200),
    "account_email": signed_in(200),
    "account_email_verification_sent": everyone(200),
    "account_change_password": signed_in(200),
    "account_set_password": signed_in(AWAY),  # everyone here has a password already
    "account_reset_password": everyone(200),
    "account_reset_password_done": everyone(200),
    "account_reset_password_from_key": everyone(200),  # shows "bad token" for a made-up key
    "account_reset_password_from_key_done": everyone(200),
    "account_confirm_email": everyone(200),  # shows "invalid link" for a made-up key
    "account_confirm_login_code": {**everyone(AWAY), "anonymous": LOGIN},
    # allauth's social accounts (single sign-on): the pages around a provider's sign-in.
    "socialaccount_login_cancelled": everyone(200),
    # A provider's failure is shown where it happens; this page answers "failed" (401).
    "socialaccount_login_error": {**everyone(401), "anonymous": LOGIN},
    "socialaccount_signup": everyone(LOGIN),  # nobody is half-way through a provider's sign-in
    "socialaccount_connections": signed_in(200),
    # The organisation's provider, not configured in the tests: 404.
    "openid_connect_login": everyone(404),
    "openid_connect_callback": everyone(404),
    # Nor its SAML identity provider: 404, but the assertion consumer service, which keeps
    # whatever is posted to it for the next step (saml_finish_acs, which answers 404) and
    # sends the browser there, so that its cookies come along (allauth's).
    "saml_login": everyone(404),
    "saml_acs": everyone(AWAY),
    "saml_finish_acs": everyone(404),
    "saml_sls": everyone(404),
    "saml_metadata": everyone(404),
    # Two-step sign-in (allauth's MFA, childcop.permissions.two_step): everyone signed in
    # manages their own. The matrix's admin has an authenticator app and recovery codes and
    # gave their second step; nobody else has set anything up, and nobody has a security key
    # (the matrix names the admin's app as one: nobody finds it).
    # Adding one needs a recent sign-in (the matrix's people were signed in by the test, so
    # they are asked to confirm their password: AWAY); a second step at sign-in is only
    # reached from the password form (AWAY, or LOGIN for anonymous people).
    "mfa_index": signed_in(200),
    "mfa_authenticate": {**everyone(AWAY), "anonymous": LOGIN},
    "mfa_reauthenticate": signed_in(AWAY, admin=200),
    "mfa_activate_totp": signed_in(AWAY),  # the admin's app is on: sent to turn it off
    "mfa_deactivate_totp": signed_in(404, admin=200),
    "mfa_view_recovery_codes": signed_in(404, admin=200),
    "mfa_download_recovery_codes": signed_in(404, admin=200),
    "mfa_generate_recovery_codes": signed_in(AWAY, admin=200),
    "mfa_list_webauthn": signed_in(200),
    "mfa_add_webauthn": signed_in(AWAY, admin=200),
    "mfa_reauthenticate_webauthn": signed_in(AWAY),
    "mfa_edit_webauthn": signed_in(AWAY, admin=404),  # after confirming it's them
    "mfa_remove_webauthn": signed_in(AWAY, admin=404),
    "mfa_login_webauthn": {**everyone(AWAY), "anonymous": LOGIN},  # a passkey: POST (JSON)
    # The admin signs in through our login page; its logout takes POST only.
    "admin:login": {**everyone(403), "anonymous": LOGIN, "admin": AWAY},
    "admin:logout": {**everyone(AWAY), "anonymous": ADMIN_LOGIN, "admin": 405},
    "admin:autocomplete": {**ADMIN_RULE, "admin": 403},  # needs a model field to complete
    "admin:view_on_site": {**ADMIN_RULE, "admin": 404},  # for a made-up object
    # Support structure (sponsorship): appointments, the sponsor map and councils' edits are
    # the social learning team's; the matrix's mentoring pair is member (mentor) + core (mentee).
    "sponsorship:appointment_list": only({"admin"}),
    "sponsorship:appointment_export": only({"admin"}),
    "sponsorship:appointment_identify": only({"admin"}),
    "sponsorship:appointment_detail": only({"admin"}),
    "sponsorship:appointment_appoint": only({"admin"}),
    "sponsorship:appointment_end": only({"admin"}),
    "sponsorship:appointment_edit": only({"admin"}),
    "sponsorship:communities_without_sponsor": only({"admin"}),
    "sponsorship:sponsor_map": only({"admin"}),
    "sponsorship:my_mentoring": signed_in(200),
    "sponsorship:pair_list": only({"admin"}),
    "sponsorship:pair_create": only({"admin"}),
    "sponsorship:pair_detail": only({"member", "core", "admin"}, denied=404),
    "sponsorship:pair_edit": {**only({"admin"}, denied=404), "member": 403, "core": 403},
    "sponsorship:check_in_add": signed_in(405),  # POST only
    "sponsorship:council_list": signed_in(200),
    "sponsorship:council_create": only({"admin"}),
    "sponsorship:council_edit": only({"admin"}),
    # Business case and agreement: members and the community's sponsors read (outsiders of
    # an open community: 404); coordinators and the social learning team write (others 403).
    "sponsorship:business_case": only(MEMBERS | {"admin", "sponsor"}, denied=404),
    "sponsorship:business_case_version": only(MEMBERS | {"admin", "sponsor"}, denied=404),
    "sponsorship:business_case_edit": {**only(MANAGERS), "outsider": 404},
    "sponsorship:business_case_submit": {**only(MANAGERS), "outsider": 404},  # a draft exists
    "sponsorship:business_case_respond": signed_in(405),  # POST only
    "sponsorship:agreement": only(MEMBERS | {"admin", "sponsor"}, denied=404),
    "sponsorship:agreement_edit": {**only(MANAGERS), "outsider": 404},
    "sponsorship:commitment_done": signed_in(405),  # POST only
    # Value-creation stories (value_stories): the matrix's stories are the member's. Lists,
    # matrices and exports are scoped to what each person may read, so open to everyone signed
    # in; members write stories; the submitted story (detail, review, withdraw) exists for its
    # author, the coordinators and admins only; the draft (edit) for its author and admins; the
    # approved community-only story (print) for members and admins, not outsiders or sponsors.
    "value_stories:list": signed_in(200),
    "value_stories:export": signed_in(200),
    "value_stories:indicators_export": signed_in(200),
    "value_stories:matrix": signed_in(200),
    "value_stories:community_matrix": signed_in(200),
    "value_stories:create": only(MEMBERS | {"admin"}),
    "value_stories:autosave": signed_in(405),  # POST only (htmx)
    "value_stories:submit": signed_in(405),  # POST only
    "value_stories:detail": only({"member", "coordinator", "admin"}, denied=404),
    "value_stories:edit": {**only({"member"}, denied=404), "admin": 403},
    "value_stories:edit_step": {**only({"member"}, denied=404), "admin": 403},
    "value_stories:review": {**only({"coordinator", "admin"}, denied=404), "member": 403},
    "value_stories:withdraw": {
        **only({"member"}, denied=404),
        "coordinator": 403,
        "admin": 403,
    },  # fmt: skip
    "value_stories:print": only(MEMBERS | {"admin"}, denied=404),
    # --- help requests, learning loops and shared memory: the members' (and admins'); a
    # signed-in non-member of the open community (outsider, sponsor) has too low a role. The
    # matrix's help request is the member's, answered (so its follow-up is open to the member
    # only); its memory entry is the core member's (edited by the core group and coordinators).
    "communities:help_list": only(MEMBERS | {"admin"}),
    "communities:help_create": only(MEMBERS | {"admin"}),
    "communities:help_detail": only(MEMBERS | {"admin"}),
    "communities:help_answer": signed_in(405),  # POST only
    "communities:help_mark_helpful": signed_in(405),  # POST only
    "communities:help_follow_up": only({"member"}),
    "communities:help_capture": signed_in(405),  # POST only
    "communities:memory_list": only(MEMBERS | {"admin"}),
    "communities:memory_create": only(MEMBERS | {"admin"}),
    "communities:memory_detail": only(MEMBERS | {"admin"}),
    "communities:memory_edit": only({"core", "coordinator", "admin"}),
    "communities:memory_delete": only({"core", "coordinator", "admin"}),
    # --- learning agenda and practice groups: whoever sees the community reads; members
    # raise, vote and propose; coordinators steer the agenda and charter. The matrix's agenda
    # item and proposed group are the member's; the active group's only member is the member.
    "communities:agenda": signed_in(200),
    "communities:agenda_create": only(MEMBERS | {"admin"}),
    "communities:agenda_detail": signed_in(200),
    "communities:agenda_edit": only({"member", "coordinator", "admin"}),
    "communities:agenda_status": only(MANAGERS),
    "communities:agenda_round_open": only(MANAGERS),
    "communities:agenda_round": signed_in(200),
    "communities:agenda_round_results": signed_in(200),
    "communities:agenda_vote": signed_in(405),  # POST only
    "communities:agenda_round_close": only(MANAGERS),
    "practice_groups:list": signed_in(200),
    "practice_groups:propose": only(MEMBERS | {"admin"}),
    "practice_groups:detail": signed_in(200),
    "practice_groups:edit": only({"member", "coordinator", "admin"}),
    "practice_groups:review": only(MANAGERS),
    "practice_groups:join": signed_in(405),  # POST only
    "practice_groups:leave": signed_in(405),  # POST only
    "practice_groups:conclude": only({"member", "coordinator", "admin"}),
    "practice_groups:report_create": only({"member"}),
    "practice_groups:support_create": only({"member"}),
    "practice_groups:report": signed_in(200),
    "practice_groups:report_respond": signed_in(405),  # POST only
    "practice_groups:report_reply": only({"member"}),
    # --- launch playbook: the matrix's plan is a renewal of the (maturing) community whose
    # launch lead is the core member. Admins and the lead edit it; the community's members
    # read it; anyone else (outsider, sponsor) finds nothing (404). Only admins open plans
    # and see the launches list (/program/launches/); a renewal is completed by whoever edits
    # it. The list's old address redirects everyone signed in there (301).
    "program:launches": only({"admin"}),
    "communities:launch_list_moved": signed_in(301),
    "communities:launch": only(MEMBERS | {"admin"}, denied=404),
    "communities:launch_open": {**only({"admin"}, denied=404), **dict.fromkeys(MEMBERS, 403)},
    "communities:launch_plan": only(MEMBERS | {"admin"}, denied=404),
    **{
        f"communities:{name}": {
            **only({"core", "admin"}, denied=404),
            "member": 403,
            "coordinator": 403,
        }
        for name in (
            "launch_conversation",
            "launch_value",
            "launch_leader_add",
            "launch_design",
            "launch_process",
            "launch_action_add",
            "launch_action",
            "launch_complete",
        )
    },  # fmt: skip
    "communities:launch_value_accept": signed_in(405),  # POST only
    # A candidate's answer puts them into the core group: the candidate (the member, proposed
    # by the lead) answers on their own page; coordinators and admins may record it; the lead
    # (core) may not; anyone else finds nothing (404).
    "communities:launch_leader": {
        **only({"member", "coordinator", "admin"}, denied=404),
        "core": 403,
    },
    # --- PDCA reviews, closure and cultivation: members read the review history; the core
    # group and coordinators write reviews and keep checklists; admins close communities and
    # log coaching, which the community's coordinators read. Outsiders of the open matrix
    # community have too low a role (403); of a hidden one, 404 (COMMUNITY_SCOPED below).
    # The reviews due are the admins' (/program/reviews-due/; the old address redirects, 301).
    "program:reviews_due": only({"admin"}),
    "communities:pdca_due_moved": signed_in(301),
    "communities:pdca_reviews": only(MEMBERS | {"admin"}),
    "communities:pdca_create": only(LOGGERS),
    "communities:pdca_detail": only(MEMBERS | {"admin"}),
    "communities:close": only({"admin"}),
    "communities:legacy": signed_in(404),  # the open matrix community has no legacy
    "communities:cultivation": only(LOGGERS),
    "communities:coaching": only(MANAGERS),
    "communities:coaching_create": only({"admin"}),
    # --- monthly health reports: read like health checks (core group, coordinators, admins
    # and the community's sponsors); program reports are the social learning team's.
    "communities:health_reports": only({"core", "coordinator", "admin", "sponsor"}),
    "communities:health_report": only({"core", "coordinator", "admin", "sponsor"}),
    "communities:health_report_print": only({"core", "coordinator", "admin", "sponsor"}),
    "program:reports": only({"admin"}),
    "program:report": only({"admin"}),
    "program:report_print": only({"admin"}),
    # --- the program overview and the support-request queue (the social learning team's, at
    # /program/); coordinators (and admins) ask for support from their community. Recompute
    # is POST only.
    "program:overview": only({"admin"}),
    "program:overview_export": only({"admin"}),
    "program:overview_refresh": signed_in(405),  # POST only
    "program:support_queue": only({"admin"}),
    "program:support_update": only({"admin"}),
    "communities:support_request": only(MANAGERS),
    # --- health checks: the core group, coordinators, admins and the community's sponsors
    # read them (members and signed-in visitors of the open matrix community: 403; of a hidden
    # one: 404, COMMUNITY_SCOPED below); coordinators and admins open and close them; the core
    # group (coordinators included, not admins) answers. The matrix's check is open.
    "communities:health_checks": only({"core", "coordinator", "admin", "sponsor"}),
    "communities:health_check_open": only(MANAGERS),
    "communities:health_check": only({"core", "coordinator", "admin", "sponsor"}),
    "communities:health_check_answer": only({"core", "coordinator"}),
    "communities:health_check_close": only(MANAGERS),
    # --- the community health page (indicators and flags): read like health checks (members
    # and signed-in visitors of the open matrix community: 403; of a hidden one: 404).
    "communities:health": only({"core", "coordinator", "admin", "sponsor"}),
    # --- personal access tokens (a person's own: anyone else's token does not exist for them,
    # 404; the matrix's token is the member's) and the reporting API. The matrix calls the
    # API's endpoints with a token of each role's reading every area (API_ENDPOINTS below):
    # each lists what that role may see (tests/api/ compares the rows with the pages); no
    # token is 401. The documentation page is a page; the schema takes a session or a token.
    "tokens:list": signed_in(200),
    "tokens:create": signed_in(200),
    "tokens:revoke": only({"member"}, denied=404),
    "api:docs": signed_in(200),
    # Tokens are created by their owners on their profile, never in the admin.
    "admin:api_apitoken_add": {**ADMIN_RULE, "admin": 403},
    "api:schema": signed_in(200, anonymous=401),
    **{f"api:{url_name(address)}": signed_in(200, anonymous=401) for address, _ in API_ENDPOINTS},
    # --- retention, drifting regulars and the landscape of practice: a community's retention
    # (counts, no names) is read like its health; drifting regulars name people, for the
    # coordinators and admins; its neighbourhood in the landscape is its members' (and
    # admins'). Program retention is the social learning team's; the landscape (and its CSV
    # exports) the team's and, for their portfolio, the sponsors'.
    "communities:retention": only({"core", "coordinator", "admin", "sponsor"}),
    "communities:drifting": only(MANAGERS),
    "communities:neighbourhood": only(MEMBERS | {"admin"}),
    "program:retention": only({"admin"}),
    "program:landscape": only({"admin", "sponsor"}),
    "program:landscape_export": only({"admin", "sponsor"}),
    "program:brokers_export": only({"admin", "sponsor"}),
}


def rule_for(name):
    if name in RULES:
        return RULES[name]
    if name and name.startswith("admin:"):
        return ADMIN_RULE
    return RULES.get(name)


def kwargs_for(pattern, objects):
    kwargs = {}
    for key in pattern.pattern.converters if hasattr(pattern.pattern, "converters") else {}:
        kwargs[key] = objects.get(key, "1")
    for key in pattern.pattern.regex.groupindex:
        kwargs.setdefault(key, objects.get(key, "1"))
    return kwargs


def test_every_url_pattern_has_a_rule():
    missing = [name or str(p.pattern) for name, p in walk() if rule_for(name) is None]
    assert not missing, f"URL patterns without a permission rule: {missing}"


def test_rules_name_only_existing_patterns():
    names = {name for name, _ in walk()}
    assert set(RULES) - names == set()


def check(response, expected, role):
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert response.status_code == 302 and location.startswith(reverse("account_login")), (
            f"{role}: expected a redirect to login, got {response.status_code} {location}"
        )
    elif expected == ADMIN_LOGIN:
        signs_in = "/admin/login/" in location or location.startswith(reverse("account_login"))
        assert response.status_code == 302 and signs_in, (
            f"{role}: expected the admin login, got {response.status_code} {location}"
        )
    elif expected == AWAY:
        assert response.status_code == 302 and not location.startswith(reverse("account_login")), (
            f"{role}: expected a redirect away, got {response.status_code} {location}"
        )
    elif expected == 200 and role == "admin" and response.status_code == 302:
        # The admin redirects from made-up object ids to its index; never to a login.
        assert "/login/" not in location
    else:
        assert response.status_code == expected, (
            f"{role}: expected {expected}, got {response.status_code} {location}"
        )


def check_headers(response, role):
    """Every answer carries the security policy; none to a signed-in person may be stored."""
    assert "Content-Security-Policy" in response.headers, f"{role}: no Content-Security-Policy"
    if role != "anonymous":
        cache = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= cache, f"{role}: Cache-Control {sorted(cache)}"


# Routes whose <pk> is not a membership: which object of the community it names.
PK_OF = {
    "communities:rhythm_edit": "rhythm",
    "communities:rhythm_delete": "rhythm",
    "communities:session_edit": "session",
    "communities:session_cancel": "session",
    "communities:activity_detail": "activity",
    "communities:activity_edit": "activity",
    "communities:activity_delete": "activity",
    "communities:attendance_import": "activity",
    "communities:attendance_import_confirm": "activity",
    "sponsorship:appointment_detail": "appointment",
    "sponsorship:appointment_appoint": "appointment",
    "sponsorship:appointment_end": "appointment",
    "sponsorship:appointment_edit": "appointment",
    "sponsorship:pair_detail": "pair",
    "sponsorship:pair_edit": "pair",
    "sponsorship:check_in_add": "pair",
    "sponsorship:council_edit": "council",
    "sponsorship:business_case_version": "case_version",
    "value_stories:detail": "story_submitted",
    "value_stories:edit": "story_draft",
    "value_stories:edit_step": "story_draft",
    "value_stories:submit": "story_draft",
    "value_stories:review": "story_submitted",
    "value_stories:withdraw": "story_submitted",
    "value_stories:print": "story_approved",
    # help requests, learning loops and shared memory
    "communities:help_detail": "help_request",
    "communities:help_answer": "help_request",
    "communities:help_mark_helpful": "help_request",
    "communities:help_follow_up": "help_request",
    "communities:help_capture": "help_request",
    "communities:memory_detail": "memory_entry",
    "communities:memory_edit": "memory_entry",
    "communities:memory_delete": "memory_entry",
    # learning agenda and practice groups
    "communities:agenda_detail": "agenda_item",
    "communities:agenda_edit": "agenda_item",
    "communities:agenda_status": "agenda_item",
    "communities:agenda_round": "voting_round",
    "communities:agenda_round_results": "voting_round",
    "communities:agenda_vote": "voting_round",
    "communities:agenda_round_close": "voting_round",
    "practice_groups:detail": "group",
    "practice_groups:edit": "group_proposed",
    "practice_groups:review": "group_proposed",
    "practice_groups:join": "group",
    "practice_groups:leave": "group",
    "practice_groups:conclude": "group",
    "practice_groups:report_create": "group",
    "practice_groups:support_create": "group",
    "practice_groups:report": "report",
    "practice_groups:report_respond": "report",
    "practice_groups:report_reply": "report",
    # the launch playbook: every launch route's <pk> is the plan
    **dict.fromkeys(
        [
            "communities:launch_plan",
            "communities:launch_conversation",
            "communities:launch_value",
            "communities:launch_value_accept",
            "communities:launch_leader_add",
            "communities:launch_leader",
            "communities:launch_design",
            "communities:launch_process",
            "communities:launch_action_add",
            "communities:launch_action",
            "communities:launch_complete",
        ],
        "launch_plan",
    ),
    "communities:pdca_detail": "pdca_review",
    # two-step sign-in: a security key nobody has (the admin's app, as a made-up key)
    "mfa_edit_webauthn": "security_key",
    "mfa_remove_webauthn": "security_key",
    # monthly health reports: the matrix community's report and the month's program report
    "communities:health_report": "health_report",
    "communities:health_report_print": "health_report",
    "program:report": "program_report",
    "program:report_print": "program_report",
    # the support queue: the matrix group's request
    "program:support_update": "support",
    "tokens:revoke": "token",
    # health checks: the open check of the matrix community
    "communities:health_check": "health_check",
    "communities:health_check_answer": "health_check",
    "communities:health_check_close": "health_check",
}


def agenda_and_groups(community, users):
    """The learning agenda and practice groups of the matrix (see the rules above)."""
    from communities.factories import AgendaItemFactory
    from communities.health.models import SupportRequest
    from communities.models import VotingRound
    from practice_groups.factories import (
        GroupMembershipFactory,
        PracticeGroupFactory,
        ProgressReportFactory,
    )

    group = PracticeGroupFactory(community=community, status="active")
    GroupMembershipFactory(group=group, user=users["member"])
    return {
        "agenda_item": AgendaItemFactory(community=community, raised_by=users["member"]),
        "voting_round": VotingRound.objects.create(community=community),
        "group": group,
        "group_proposed": PracticeGroupFactory(
            community=community, status="proposed", proposed_by=users["member"]
        ),
        "report": ProgressReportFactory(group=group, author=users["member"]),
        "support": SupportRequest.objects.create(
            group=group, kind="logistics", description="A room"
        ),
    }


def learning_loops(community, users):
    """The member's help request, answered helpfully by the core member; a core member's entry."""
    from django.utils import timezone

    from communities.factories import AnswerFactory, HelpRequestFactory, SharedMemoryEntryFactory

    help_request = HelpRequestFactory(
        community=community, asker=users["member"], status="answered", helpful_at=timezone.now()
    )
    AnswerFactory(request=help_request, author=users["core"], helpful=True)
    entry = SharedMemoryEntryFactory(community=community, created_by=users["core"])
    return {"help_request": help_request, "memory_entry": entry}


def launch_playbook(community, users):
    """A renewal plan led by the core member, with a candidate (the member, proposed by the
    lead) and an action item."""
    from communities.models import ActionItem, LaunchPlan, LeaderCandidate

    plan = LaunchPlan.objects.create(community=community, kind="renewal", lead=users["core"])
    return {
        "plan": plan,
        "candidate": LeaderCandidate.objects.create(
            plan=plan, person=users["member"], invited_by=users["core"]
        ),
        "item": ActionItem.objects.create(
            plan=plan, title="Book a room", owner=users["core"], due_on="2031-01-01"
        ),
    }


# The matrix is walked in shards so that parallel test workers share it.
SHARDS = 6


def matrix_objects(users, community):
    """The objects the matrix's URLs name: (URL kwargs, the objects named by <pk>)."""
    membership = community.memberships.get(user=users["member"])
    rhythm = RhythmFactory(community=community)
    rhythm_objects = {
        "rhythm": rhythm,
        "session": SessionFactory(community=community, rhythm=rhythm),
        "activity": ActivityFactory(community=community),
    }
    # the support structure: an identified SME, a mentoring pair, a council
    rhythm_objects["appointment"] = AppointmentFactory()
    rhythm_objects["pair"] = MentorPairFactory(mentor=users["member"], mentee=users["core"])
    rhythm_objects["council"] = CouncilFactory()
    # the business case: version 1 submitted (the pk routes name it), version 2 a draft
    rhythm_objects["case_version"] = BusinessCaseVersion.objects.create(
        community=community, number=1, status="submitted", why_care="Costly mistakes."
    )
    BusinessCaseVersion.objects.create(community=community, number=2, why_care="Better.")
    # value-creation stories by the member, in three states
    for state, status in [("draft", "draft"), ("submitted", "submitted"), ("approved", "approved")]:
        rhythm_objects[f"story_{state}"] = ValueStoryFactory(
            community=community, author=users["member"], status=status, visibility="community"
        )
    rhythm_objects.update(agenda_and_groups(community, users))
    rhythm_objects.update(learning_loops(community, users))
    launch_objects = launch_playbook(community, users)
    rhythm_objects["launch_plan"] = launch_objects["plan"]
    from communities.factories import PdcaReviewFactory

    rhythm_objects["pdca_review"] = PdcaReviewFactory(community=community)
    from communities.health.models import HealthReport, ProgramReport

    rhythm_objects["health_report"] = HealthReport.objects.create(
        community=community, period="2031-01-01",
        data={"community_id": community.pk, "periods": [], "indicators": [], "flags": []},
    )  # fmt: skip
    rhythm_objects["program_report"] = ProgramReport.objects.create(period="2031-01-01")
    from communities.health.models import HealthCheck

    rhythm_objects["health_check"] = HealthCheck.objects.create(
        community=community, period_start="2031-01-01", period_end="2031-03-31",
        answer_by="2031-04-21",
    )  # fmt: skip
    rhythm_objects["tokens"] = bearer_tokens(users)
    rhythm_objects["token"] = rhythm_objects["tokens"]["member"][0]
    from allauth.mfa.models import Authenticator

    rhythm_objects["security_key"] = Authenticator.objects.get(user=users["admin"], type="totp")
    objects = {
        "slug": community.slug,
        "pk": str(membership.pk),
        "key": "made-up-key",
        "uidb36": "1",
        "object_id": "999999",
        "id": str(users["member"].pk),  # the admin's password change for a user
        "content_type_id": "1",
        "app_label": "communities",
        # a pending attendance import of the activity above
        "import_id": str(AttendanceImport.objects.create(activity=rhythm_objects["activity"]).pk),
        # the launch playbook's invited candidate and action item
        "candidate_id": str(launch_objects["candidate"].pk),
        "item_id": str(launch_objects["item"].pk),
        "step": "readers",  # a step of the guided story
    }
    return objects, rhythm_objects


def url_for(name, pattern, objects, rhythm_objects, users):
    """The matrix's address for a URL pattern, its kwargs naming the matrix's objects."""
    kwargs = kwargs_for(pattern, objects)
    if name in ("people:detail", "people:erase"):
        kwargs["pk"] = str(users["member"].pk)
    if name in PK_OF:
        kwargs["pk"] = str(rhythm_objects[PK_OF[name]].pk)
    if name and name.startswith("openid_connect_"):
        kwargs["provider_id"] = "organisation"
    if name and name.startswith("saml_"):
        kwargs["organization_slug"] = "organisation"
    try:
        return reverse(name, kwargs=kwargs) if name else None
    except Exception:  # noqa: BLE001 — e.g. the admin's catch-all pattern
        return "/admin/" + "communities/community/999999/change/"


@pytest.mark.django_db
@pytest.mark.parametrize("shard", range(SHARDS))
def test_permission_matrix(users, clients, community, shard):
    objects, rhythm_objects = matrix_objects(users, community)
    failures = []
    patterns = list(walk())
    assert len(patterns) > 200  # the walk found the URL patterns
    for name, pattern in patterns[shard::SHARDS]:
        rule = rule_for(name)
        url = url_for(name, pattern, objects, rhythm_objects, users)
        for role in ROLES:
            if name.startswith("api:") and role != "anonymous":  # as a reporting tool reads
                _, plaintext = rhythm_objects["tokens"][role]
                response = clients[role].get(url, headers={"authorization": f"Bearer {plaintext}"})
            else:
                response = clients[role].get(url)
            try:
                check(response, rule[role], role)
                check_headers(response, role)
            except AssertionError as error:
                failures.append(f"{name} {url}: {error}")
    assert not failures, "\n".join(failures)


COMMUNITY_SCOPED = [
    "communities:launch",
    "communities:launch_open",
    "communities:detail",
    "communities:edit",
    "communities:stage",
    "communities:leave",
    "communities:members",
    "communities:members_export",
    "communities:member_add",
    "communities:agenda",
    "communities:agenda_create",
    "communities:agenda_round_open",
    "practice_groups:list",
    "practice_groups:propose",
    "communities:help_list",
    "communities:help_create",
    "communities:memory_list",
    "communities:memory_create",
    "communities:pdca_reviews",
    "communities:pdca_create",
    "communities:cultivation",
    "communities:coaching",
    "communities:health_reports",
    "communities:support_request",
    "communities:health_checks",
    "communities:health_check_open",
    "communities:health",
    "communities:retention",
    "communities:drifting",
    "communities:neighbourhood",
]


@pytest.mark.django_db
@pytest.mark.parametrize("is_open,stage", [(False, "maturing"), (True, "potential")])
@pytest.mark.parametrize("name", COMMUNITY_SCOPED)
def test_outsiders_get_404_outside_their_scope(clients, users, name, is_open, stage):
    """A closed community, or one still in its potential stage, does not exist for outsiders."""
    hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=is_open, stage=stage)
    url = reverse(name, kwargs={"slug": hidden.slug})
    assert clients["outsider"].get(url).status_code == 404
    assert clients["member"].get(url).status_code == 404  # a member of another community
    # Program admins see everything (leaving is for members only).
    assert clients["admin"].get(url).status_code == (403 if name == "communities:leave" else 200)
    join = reverse("communities:join", kwargs={"slug": hidden.slug})
    assert clients["outsider"].post(join).status_code == 404


# A sponsor of a members-only community reads the pages written for sponsors (the dashboard,
# the health pages, the business case and the agreement), nothing of the members' own: their
# names (members, the people directory), activities, rhythm, agenda, practice groups, learning
# loops and reviews do not exist for the sponsor (404). The matrix above walks an open
# community, where a sponsor reads what everyone signed in reads.
SPONSOR_PAGES = [
    "sponsorship:community_dashboard",
    "sponsorship:business_case",
    "sponsorship:agreement",
    "communities:health",
    "communities:health_checks",
    "communities:health_reports",
    "communities:retention",  # counts only: no names
]
MEMBERS_PAGES = [
    "communities:detail",
    "communities:members",
    "communities:rhythm",
    "communities:activities",
    "communities:agenda",
    "practice_groups:list",
    "communities:help_list",
    "communities:memory_list",
    "communities:pdca_reviews",
    "communities:launch",
    "value_stories:community_matrix",
    "communities:drifting",
    "communities:neighbourhood",
]


@pytest.mark.django_db
def test_a_sponsor_of_a_members_only_community_reads_the_sponsor_pages_only(
    clients, users, admin_user
):
    from communities.factories import MembershipFactory
    from practice_groups.factories import PracticeGroupFactory
    from sponsorship.factories import SponsorAppointmentFactory

    hidden = CommunityFactory(name="Hidden", slug="hidden", is_open=False, stage="maturing")
    SponsorAppointmentFactory(
        person=users["sponsor"], appointed_by=admin_user, communities=[hidden]
    )
    MembershipFactory(community=hidden, user=users["outsider"])  # a member only there
    sponsor = clients["sponsor"]
    for name in SPONSOR_PAGES:
        url = reverse(name, kwargs={"slug": hidden.slug})
        assert sponsor.get(url).status_code == 200, name
    for name in MEMBERS_PAGES:
        url = reverse(name, kwargs={"slug": hidden.slug})
        assert sponsor.get(url).status_code == 404, name
    activity = ActivityFactory(community=hidden)
    group = PracticeGroupFactory(community=hidden, status="active")
    for url in (
        reverse("communities:activity_detail", args=[hidden.slug, activity.pk]),
        reverse("practice_groups:detail", args=[group.pk]),
    ):
        assert sponsor.get(url).status_code == 404, url
    # The community is not in their lists, nor its members' memberships in the directory.
    assert b"Hidden" not in sponsor.get(reverse("communities:list")).content
    person = sponsor.get(reverse("people:detail", args=[users["outsider"].pk]))
    assert b"Hidden" not in person.content
    # Its members still read it all.
    assert (
        clients["outsider"].get(reverse("communities:members", args=["hidden"])).status_code == 200
    )
