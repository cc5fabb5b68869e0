"""Every page route × every role, built from the URL map: a new route fails until classified.

Allowed callers never get 403 or the sign-in page; everyone else gets 403 (signed in) or is
sent to sign in (anonymous), before anything else happens. Nobody ever gets a 500. Every form
POST without a CSRF token is refused.
"""

from urllib.parse import urlsplit

import pytest

from recruit.auth.models import Role

ANONYMOUS = "anonymous"
EVERYONE = {ANONYMOUS, *Role}
SIGNED_IN = set(Role)
STAFF = {Role.ADMIN, Role.ORGANIZER}
ADMIN = {Role.ADMIN}
EMPLOYER = {Role.EMPLOYER}
READERS = {Role.ADMIN, Role.ORGANIZER, Role.VIEWER}

#: Who may call each page endpoint. A route missing here fails the test below.
ACCESS = {
    "public.home": EVERYONE,
    "auth.login": EVERYONE,
    "auth.logout": EVERYONE,
    "auth.account": SIGNED_IN,
    "auth.password": SIGNED_IN,
    "auth.reauth": SIGNED_IN,
    "auth.revoke": SIGNED_IN,
    "auth.end_sessions": SIGNED_IN,
    # 忘记密码 and the links messages carry: anyone (the code or link is the proof).
    "auth.forgot": EVERYONE,
    "auth.reset_code": EVERYONE,
    "auth.reset_link": EVERYONE,
    "auth.verify_email_link": EVERYONE,
    "auth.contact": SIGNED_IN,
    "auth.send_mobile_verification": SIGNED_IN,
    "auth.verify_mobile_code": SIGNED_IN,
    "auth.send_email_verification": SIGNED_IN,
    # Staff send a reset to accounts they manage (the service narrows organizers' scope).
    "auth.staff_accounts": STAFF,
    "auth.send_reset": STAFF,
    "bootstrap.static": EVERYONE,
    "static": EVERYONE,
    "fairs.index": EVERYONE,
    "fairs.detail": EVERYONE,
    "positions.search": EVERYONE,
    "positions.detail": EVERYONE,
    "employers.register": EVERYONE,
    "employers.profile": EVERYONE,
    # An invitation link: for someone with no account yet (a signed-in visitor is sent home).
    "invitations.accept": EVERYONE,
    "feeds.feed_json": EVERYONE,
    "feeds.feed_xml": EVERYONE,
    "admin.audit": ADMIN,
    "admin.users": ADMIN,
    "admin.employers": ADMIN,
    "admin.suspend_employer_page": ADMIN,
    "admin.reinstate_employer_page": ADMIN,
    "admin.end_user_sessions": ADMIN,
    "notify.outbox": ADMIN,
    "notify.retry": ADMIN,
    "auth.notifications": SIGNED_IN,
    "public.favicon": EVERYONE,
    # A channel's settings name where a token is sent: the admin's alone (organizers read).
    "channels.settings": ADMIN,
    # Consumer tokens of a pull channel let an outsider read it: issued and revoked by admins.
    "channels.issue_consumer": ADMIN,
    "channels.revoke_consumer": ADMIN,
    "reports.index": READERS,
    "reports.rows": READERS,
    "reports.export_xlsx": READERS,
    "reports.export_csv": READERS,
    "reports.shortage": READERS,
    "reports.shortage_rows_page": READERS,
    "reports.shortage_xlsx": READERS,
}
for prefix, roles in (("manage.", STAFF), ("channels.", STAFF), ("employer.", EMPLOYER)):
    ACCESS[prefix] = roles
# The seekers' phone pages: no account; the seeker's cookie is the proof (the services decide).
ACCESS["seekers."] = EVERYONE

#: Values for URL arguments; ids that exist or not, the answer must never be a 500.
ARGUMENTS = {
    "fair_id": "1",
    "pid": "1",
    "hire_id": "1",
    "step_id": "1",
    "application_id": "1",
    "position_id": "1",
    "employer_id": "1",
    "participation_id": "1",
    "posting_id": "1",
    "consumer_id": "1",
    "token_id": "1",
    "token": "not-a-link-token",
    "user_id": "1",
    "change_id": "1",
    "invitation_id": "1",
    "notification_id": "1",
    "code": "jycs",
    "name": "none.xlsx",
    "kind": "fairs",
    "filename": "app.css",
    "booth": "A01",
}


def _allowed(endpoint: str):
    if endpoint in ACCESS:
        return ACCESS[endpoint]
    prefix = endpoint.split(".")[0] + "."
    return ACCESS.get(prefix)


def _page_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule) -> str:
    url = rule.rule
    for argument in rule.arguments:
        for converter in ("id:", "path:", ""):
            url = url.replace(f"<{converter}{argument}>", ARGUMENTS[argument])
    if rule.endpoint == "bootstrap.static":
        url = "/bootstrap/static/css/bootstrap.min.css"
    return url


def test_every_page_route_is_classified(app):
    missing = sorted({r.endpoint for r, _m in _page_rules(app) if _allowed(r.endpoint) is None})
    assert missing == [], f"classify these endpoints in ACCESS: {missing}"


@pytest.mark.parametrize("role", [ANONYMOUS, *Role], ids=lambda r: getattr(r, "value", r))
def test_each_role_reaches_exactly_its_routes(app, client, make_user, login_as, role):
    if role != ANONYMOUS:
        login_as(make_user(role))
    for rule, method in _page_rules(app):
        allowed = _allowed(rule.endpoint)
        if rule.endpoint == "auth.logout":
            continue  # would end this loop's session; covered by the sign-in tests
        with client.open(_url(rule), method=method, data={}) as response:
            status = response.status_code
            location = urlsplit(response.headers.get("Location", "")).path
        where = f"{role} {method} {rule.rule} → {status}"
        assert status < 500, where
        if role in allowed:
            assert status != 403 and location != "/login", where
        elif role == ANONYMOUS:
            assert status == 302 and location == "/login", where
        else:
            assert status == 403, where


def test_every_form_post_without_a_csrf_token_is_refused(
    app, client, make_user, login_as, monkeypatch
):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    checked = []
    for role in Role:
        user = make_user(role)
        with client.session_transaction() as session:
            session.clear()
        # Sign in with a token, as the browser would.
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post(
            "/login",
            data={
                "username": user.username,
                "password": "test-pass-123",
                "csrf_token": token,
            },
        )
        for rule, method in _page_rules(app):
            if method != "POST" or role not in _allowed(rule.endpoint):
                continue
            with client.post(_url(rule), data={}) as response:
                assert response.status_code == 400, f"{role} POST {rule.rule}"
                checked.append(rule.endpoint)
    assert len(set(checked)) > 30
