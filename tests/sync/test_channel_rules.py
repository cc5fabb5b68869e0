"""Each channel rule through every door: the page, the API and the command where one exists.

One table of rules; for each, every door must give the same refusal (the service's message, on
the same field) and leave the database as it was. A door that decides a rule of its own, or
forgets one, fails here.
"""

import re
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role
from recruit.channels.models import (
    BASE_URL_MAX,
    Channel,
    ChannelPosting,
    PostingState,
    SyncRun,
)
from recruit.sync.services import run_channel_sync
from tests.sync.conftest import ACTOR


@dataclass(frozen=True)
class Refusal:
    """What the service says: invalid (with the field), forbidden, conflict or not found."""

    kind: str
    message: str = ""
    field: str | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    #: Who acts on the page and the API: "admin", "city" (organizer 430200) or "county" (430281).
    actor: str
    channel: str
    expected: Refusal
    #: Settings changed (page form, API body, command options) — or None for a sync / retry.
    changes: dict | None = None
    command: list[str] | None = None
    action: str = "update"  # "update", "sync" or "retry"
    form: dict = field(default_factory=dict)


BAD_URL = "接口地址须以 http:// 或 https:// 开头"
BAD_SCHEDULE = "同步时间格式应为“星期 时:分”，如 mon 02:00（星期用 mon、tue … sun）"
NO_ENDPOINT = "启用接口推送渠道前须先设置接口地址和令牌环境变量名"
LONG_URL = "https://portal.example.cn/" + "a" * BASE_URL_MAX

RULES = [
    Rule(
        "bad base_url",
        "admin",
        "xjy",
        Refusal("invalid", BAD_URL, "base_url"),
        changes={"base_url": "portal"},
        command=["--base-url", "portal"],
        form={"base_url": "portal", "token_env": "RECRUIT_CHANNEL_XJY_TOKEN"},
    ),
    Rule(
        "base_url too long",
        "admin",
        "xjy",
        Refusal("invalid", f"接口地址不能超过 {BASE_URL_MAX} 个字符", "base_url"),
        changes={"base_url": LONG_URL},
        command=["--base-url", LONG_URL],
        form={"base_url": LONG_URL, "token_env": "RECRUIT_CHANNEL_XJY_TOKEN"},
    ),
    Rule(
        "bad schedule",
        "admin",
        "jycs",
        Refusal("invalid", BAD_SCHEDULE, "schedule"),
        changes={"schedule": "someday"},
        command=["--schedule", "someday"],
        form={"schedule": "someday"},
    ),
    Rule(
        "unknown scope region",
        "city",
        "jycs",
        Refusal("invalid", "范围地区代码不存在：999999", "scope_regions"),
        changes={"scope_regions": ["999999"]},
        command=["--scope-region", "999999"],
        form={"scope_regions": ["999999"]},
    ),
    Rule(
        "enabling http_json without URL",
        "admin",
        "xjy",
        Refusal("invalid", NO_ENDPOINT, "enabled"),
        changes={"enabled": True},
        command=["--enable"],
        form={"enabled": "y", "base_url": "", "token_env": "RECRUIT_CHANNEL_XJY_TOKEN"},
    ),
    Rule(
        "county organizer changes settings",
        "county",
        "jycs",
        Refusal("forbidden"),
        changes={"schedule": "tue 03:00"},
        form={"schedule": "tue 03:00"},
    ),
    Rule("county organizer starts a sync", "county", "jycs", Refusal("forbidden"), action="sync"),
    Rule(
        "disabled channel sync",
        "admin",
        "xjy",
        Refusal("conflict", "渠道未启用，不能同步。"),
        action="sync",
        command=[],
    ),
    Rule(
        "retry of another channel's posting",
        "city",
        "llzgz",
        Refusal("not_found"),
        action="retry",
    ),
]
IDS = [rule.name for rule in RULES]


def snapshot(db) -> dict:
    """Return everything a channel operation could change."""
    db.session.expire_all()
    channels = {
        c.code: (
            c.enabled,
            c.base_url,
            c.token_env,
            c.schedule,
            c.scope_regions,
            c.scope_industry_chains,
            c.scope_fair_types,
        )
        for c in db.session.scalars(sa.select(Channel))
    }
    postings = sorted(
        db.session.execute(
            sa.select(ChannelPosting.id, ChannelPosting.channel_id, ChannelPosting.state)
        ).all()
    )
    runs = db.session.scalar(sa.select(sa.func.count()).select_from(SyncRun))
    audit = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    return {"channels": channels, "postings": postings, "runs": runs, "audit": audit}


@pytest.fixture
def world(db, make_user, make_position):
    """Users of each kind and a posting of 就业超市 refused by it, committed for the doors."""
    users = {
        "admin": make_user(Role.ADMIN),
        "city": make_user(Role.ORGANIZER),
        "county": make_user(Role.ORGANIZER, region_code="430281"),
    }
    make_position()
    jycs = db.session.scalar(sa.select(Channel).where(Channel.code == "jycs"))
    run_channel_sync(jycs, by=ACTOR)
    row = db.session.scalar(sa.select(ChannelPosting).where(ChannelPosting.channel_id == jycs.id))
    row.state = PostingState.FAILED
    # Committed: a refusal rolls the door's work back, never the set-up.
    db.session.commit()
    return users, row.id


def _form(rule: Rule) -> dict:
    """The settings form as the page posts it: every field, with the rule's values."""
    data = {"schedule": "mon 02:00"}
    data.update(rule.form)
    return data


def _invalid_on_page(html: str, name: str) -> bool:
    """Whether the page marks the form control of this field as invalid."""
    for tag in re.findall(r"<(?:input|select)\b[^>]*>", html):
        if f'name="{name}"' in tag:
            return "is-invalid" in tag
    return False


def through_page(client, rule: Rule, posting_id: int) -> None:
    url = f"/channels/{rule.channel}"
    if rule.action == "update":
        response = client.post(url, data=_form(rule))
    elif rule.action == "sync":
        response = client.post(f"{url}/sync")
    else:
        response = client.post(f"{url}/postings/{posting_id}/retry")
    expected = rule.expected
    if expected.kind == "invalid":
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert expected.message in html
        assert _invalid_on_page(html, expected.field), expected.field
    elif expected.kind == "conflict":
        assert response.status_code == 302
        assert response.headers["Location"].endswith(url)
        assert expected.message in client.get(url).get_data(as_text=True)
    else:
        assert response.status_code == {"forbidden": 403, "not_found": 404}[expected.kind]


def through_api(client, headers, rule: Rule, posting_id: int) -> None:
    url = f"/api/v1/channels/{rule.channel}"
    if rule.action == "update":
        response = client.patch(url, json=rule.changes, headers=headers)
    elif rule.action == "sync":
        response = client.post(f"{url}/sync", json={}, headers=headers)
    else:
        response = client.post(f"{url}/postings/{posting_id}/retry", headers=headers)
    expected = rule.expected
    status = {"invalid": 422, "forbidden": 403, "conflict": 409, "not_found": 404}
    assert response.status_code == status[expected.kind], response.get_json()
    body = response.get_json()
    if expected.kind == "invalid":
        assert body["errors"] == {expected.field: [expected.message]}
    if expected.message:
        assert body["message"] == expected.message


def through_command(runner, rule: Rule) -> None:
    if rule.action == "update":
        args = ["channels", "set", rule.channel, *rule.command]
    else:
        args = ["sync", "run", "--channel", rule.channel]
    result = runner.invoke(args=args)
    assert result.exit_code == 1, result.output
    assert rule.expected.message in result.output


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_the_page_follows_the_rule(db, client, login_as, world, rule):
    users, posting_id = world
    login_as(users[rule.actor])
    before = snapshot(db)
    through_page(client, rule, posting_id)
    assert snapshot(db) == before


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_the_api_follows_the_rule(db, client, bearer, world, rule):
    users, posting_id = world
    headers = bearer(users[rule.actor])
    db.session.commit()
    before = snapshot(db)
    through_api(client, headers, rule, posting_id)
    assert snapshot(db) == before


@pytest.mark.parametrize("rule", [r for r in RULES if r.command is not None], ids=lambda r: r.name)
def test_the_command_follows_the_rule(db, runner, world, rule):
    before = snapshot(db)
    through_command(runner, rule)
    assert snapshot(db) == before


def test_a_change_allowed_has_the_same_effect_on_the_page_and_the_api(
    db, client, login_as, bearer, world
):
    """The city organizer may change settings on both doors, with the same result."""
    users, _posting_id = world
    headers = bearer(users["city"])
    db.session.commit()

    response = client.patch("/api/v1/channels/zzrc", json={"schedule": "TUE 3:30"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["schedule"] == "tue 03:30"
    login_as(users["city"])
    response = client.post("/channels/jycs", data={"schedule": "TUE 3:30"})
    assert response.status_code == 302

    db.session.expire_all()
    schedules = dict(db.session.execute(sa.select(Channel.code, Channel.schedule)).all())
    assert schedules["zzrc"] == schedules["jycs"] == "tue 03:30"
    entries = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "channel.update").order_by(AuditLog.id)
    ).all()
    assert [e.user_id for e in entries] == [users["city"].id] * 2
    assert [e.summary["schedule"] for e in entries] == [["mon 02:00", "tue 03:30"]] * 2


def test_a_posting_of_this_channel_is_retried_on_both_doors(db, client, login_as, bearer, world):
    users, posting_id = world
    headers = bearer(users["city"])
    db.session.commit()

    response = client.post(f"/api/v1/channels/jycs/postings/{posting_id}/retry", headers=headers)
    assert response.status_code == 200 and response.get_json()["state"]["value"] == "pending"
    # Pending now: a second retry is refused the same way on both doors.
    again = client.post(f"/api/v1/channels/jycs/postings/{posting_id}/retry", headers=headers)
    assert again.status_code == 409 and again.get_json()["message"] == "只有失败的岗位可以重试。"
    login_as(users["city"])
    page = client.post(f"/channels/jycs/postings/{posting_id}/retry", follow_redirects=True)
    assert "只有失败的岗位可以重试。" in page.get_data(as_text=True)
    assert db.session.get(ChannelPosting, posting_id).state is PostingState.PENDING
