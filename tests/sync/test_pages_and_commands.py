"""Channel pages, the flask commands, the position's channel states and the reminders."""

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template_string

from jobs.sync import watch_channel
from recruit.auth.models import Role
from recruit.channels.models import (
    Channel,
    ChannelPosting,
    PostingState,
    SyncRun,
    SyncStatus,
    SyncTrigger,
)
from recruit.channels.services import channel_states_for
from recruit.db_types import utcnow
from recruit.positions.models import PositionStatus
from recruit.positions.services import set_position_status
from recruit.sync.services import run_channel_sync
from tests.sync.conftest import ACTOR


def get_channel(db, code) -> Channel:
    return db.session.scalar(sa.select(Channel).where(Channel.code == code))


def test_channel_list_shows_last_run_and_counts(db, client, login_as, make_user, make_position):
    make_position()
    run_channel_sync(get_channel(db, "jycs"), by=ACTOR)
    login_as(make_user(Role.ADMIN))

    page = client.get("/channels/").get_data(as_text=True)

    assert "湘就业" in page and "就业超市" in page
    assert "已完成" in page and "新增 1" in page
    assert "立即同步" in page


def test_sync_now_button_queues_the_run_for_the_scheduler_and_the_page_follows_it(
    app, db, client, login_as, make_user, make_position
):
    make_position()
    login_as(make_user(Role.ORGANIZER))  # city-level organizer (430200)

    response = client.post("/channels/jycs/sync", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "同步已排队" in page and "排队中" in page
    assert '<meta http-equiv="refresh"' in page  # the page follows the run
    run = db.session.scalar(sa.select(SyncRun))
    assert run.status is SyncStatus.QUEUED and run.trigger is SyncTrigger.MANUAL
    # Nothing ran inside the web request.
    assert not db.session.scalar(
        sa.select(ChannelPosting.id).where(ChannelPosting.state == PostingState.SYNCED)
    )
    again = client.post("/channels/jycs/sync", follow_redirects=True).get_data(as_text=True)
    assert "已有一次同步在排队" in again

    # The scheduler process's watcher starts it.
    assert watch_channel(app, "jycs") == "queued"

    db.session.expire_all()
    run = db.session.get(SyncRun, run.id)
    assert run.status is SyncStatus.COMPLETED and run.created == 1 and run.processed == 1
    page = client.get("/channels/jycs").get_data(as_text=True)
    assert "已完成" in page and '<meta http-equiv="refresh"' not in page


def test_county_organizer_may_look_but_not_act(db, client, login_as, make_user):
    login_as(make_user(Role.ORGANIZER, region_code="430281"))
    assert client.get("/channels/jycs").status_code == 200
    assert "立即同步" not in client.get("/channels/").get_data(as_text=True)
    assert client.post("/channels/jycs/sync").status_code == 403
    assert client.post("/channels/jycs/settings", data={"schedule": "tue 03:00"}).status_code == 403


def test_only_admins_change_settings_the_city_organizer_reads_them(db, client, login_as, make_user):
    login_as(make_user(Role.ORGANIZER))  # city-level: runs syncs, but does not configure
    page = client.get("/channels/xjy").get_data(as_text=True)
    assert "只有系统管理员可以修改渠道设置" in page and "保存设置" not in page
    assert client.post("/channels/jycs/settings", data={"schedule": "tue 03:00"}).status_code == 403
    assert get_channel(db, "jycs").schedule == "mon 02:00"


def test_employers_and_viewers_cannot_open_the_channel_pages(db, client, login_as, make_user):
    login_as(make_user(Role.EMPLOYER))
    assert client.get("/channels/").status_code == 403


def test_settings_form_saves_and_names_the_bad_field(db, client, login_as, make_user):
    login_as(make_user(Role.ADMIN))
    bad = client.post(
        "/channels/xjy/settings",
        data={
            "schedule.day": "mon",
            "schedule.time": "",
            "base_url": "portal",
            "token_env": "X",
            "enabled": "y",
        },
    )
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "接口地址须以 http:// 或 https:// 开头" in text
    assert "令牌环境变量名须为 RECRUIT_CHANNEL_XJY_TOKEN" in text
    assert 'value="portal"' in text
    assert "同步时间格式应为" in text  # a time must be picked

    good = client.post(
        "/channels/xjy/settings",
        data={
            "schedule.day": "tue",
            "schedule.time": "03:30",
            "base_url": "https://xjy.example.cn/api",
            "token_env": "RECRUIT_CHANNEL_XJY_TOKEN",
            "concurrency": "4",
            "enabled": "y",
            "scope_regions": ["430281"],
        },
    )
    assert good.status_code == 302
    channel = get_channel(db, "xjy")
    assert (channel.schedule, channel.enabled, channel.scope_regions, channel.concurrency) == (
        "tue 03:30",
        True,
        ["430281"],
        4,
    )


def test_the_schedule_is_picked_as_a_weekday_and_a_time_in_chinese(db, client, login_as, make_user):
    login_as(make_user(Role.ADMIN))
    page = client.get("/channels/jycs").get_data(as_text=True)
    assert '<option selected value="mon">星期一</option>' in page
    assert '<option value="sun">星期日</option>' in page
    assert re.search(r'<input[^>]*name="schedule\.time"[^>]*type="time"[^>]*value="02:00"', page)
    assert "数据订阅" in client.get("/channels/").get_data(as_text=True)
    assert "Feed" not in client.get("/channels/").get_data(as_text=True)


def test_failed_items_are_listed_with_their_message_and_can_be_retried(
    db, client, login_as, make_user, make_position
):
    position = make_position()
    channel = get_channel(db, "jycs")
    run_channel_sync(channel, by=ACTOR)
    row = db.session.scalar(
        sa.select(ChannelPosting).where(ChannelPosting.channel_id == channel.id)
    )
    row.state = PostingState.FAILED
    row.failed_revision = position.revision
    row.last_error = "HTTP 422：缺少工作地点"
    row.last_attempt_at = utcnow()
    db.session.flush()
    login_as(make_user(Role.ADMIN))

    page = client.get("/channels/jycs").get_data(as_text=True)
    assert "HTTP 422：缺少工作地点" in page and position.ref in page

    client.post(f"/channels/jycs/postings/{row.id}/retry")
    db.session.refresh(row)
    assert row.state is PostingState.PENDING


def test_workbook_is_downloadable_from_the_channel_page(
    db, client, login_as, make_user, make_position
):
    make_position()
    run = run_channel_sync(get_channel(db, "jycs"), by=ACTOR)
    login_as(make_user(Role.ADMIN))

    page = client.get("/channels/jycs").get_data(as_text=True)
    assert run.output_file in page
    response = client.get(f"/channels/jycs/exports/{run.output_file}")
    assert response.status_code == 200
    assert response.data[:2] == b"PK"
    response.close()
    assert client.get("/channels/jycs/exports/..%2Fsecret.xlsx").status_code == 404


def test_position_states_partial_shows_every_channel(app, db, make_position):
    position = make_position()
    run_channel_sync(get_channel(db, "jycs"), by=ACTOR)
    with app.test_request_context():
        html = render_template_string(
            '{% include "channels/_position_states.html" %}',
            states=channel_states_for(ACTOR, position),
        )
    assert "就业超市：发布 · 已同步" in " ".join(html.split())
    assert '湘就业：<span class="text-muted">渠道未启用</span>' in html


def test_sync_run_command_prints_a_summary_table(db, runner, make_position):
    make_position()
    result = runner.invoke(args=["sync", "run", "--channel", "jycs"])
    assert result.exit_code == 0, result.output
    assert "新增" in result.output and "已完成" in result.output

    result = runner.invoke(args=["sync", "status"])
    assert "已同步 1" in result.output


def test_sync_run_dry_run_command_sends_nothing(db, runner, make_position):
    make_position()
    result = runner.invoke(args=["sync", "run", "--channel", "jycs", "--dry-run"])
    assert result.exit_code == 0
    assert not db.session.scalar(
        sa.select(ChannelPosting.id).where(ChannelPosting.state == PostingState.SYNCED)
    )


def test_channels_set_command_validates_in_chinese(db, runner):
    result = runner.invoke(args=["channels", "set", "xjy", "--enable"])
    assert result.exit_code == 1
    assert "启用接口推送渠道前须先设置接口地址" in result.output

    result = runner.invoke(args=["channels", "set", "xjy", "--token-env", "SECRET_KEY"])
    assert result.exit_code == 1
    assert "错误：令牌环境变量名须为 RECRUIT_CHANNEL_XJY_TOKEN" in result.output

    result = runner.invoke(
        args=[
            "channels", "set", "xjy", "--base-url", "http://127.0.0.1:9/", "--token-env",
            "RECRUIT_CHANNEL_XJY_TOKEN", "--enable", "--schedule", "wed 01:15",
            "--scope-region", "430281", "--concurrency", "12",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    listing = runner.invoke(args=["channels", "list"]).output
    assert "wed 01:15" in listing and "430281" in listing and " 12 " in listing

    result = runner.invoke(args=["channels", "set", "xjy", "--scope-region", "999999"])
    assert result.exit_code == 1 and "范围地区代码不存在：999999" in result.output


def test_intents_waiting_14_days_get_one_reminder_a_week(db, make_position, make_fair):
    from recruit.hires.models import TentativeHire
    from recruit.reminders.models import OutcomeReminder
    from recruit.reminders.services import (
        intents_awaiting_outcome,
        remind_intents_awaiting_outcome,
    )

    position = make_position()
    fair = make_fair()
    old = TentativeHire(
        fair=fair,
        position=position,
        seeker_name="张三",
        seeker_phone="13800000000",
        recorded_at=utcnow() - timedelta(days=15),
    )
    recent = TentativeHire(
        fair=fair, position=position, seeker_name="李四", seeker_phone="13900000000"
    )
    db.session.add_all([old, recent])
    db.session.flush()

    assert intents_awaiting_outcome(position.employer) == [old]
    assert remind_intents_awaiting_outcome("2026-W48") == 1
    assert remind_intents_awaiting_outcome("2026-W48") == 0
    reminder = db.session.scalars(
        sa.select(OutcomeReminder).where(OutcomeReminder.employer_id == position.employer_id)
    ).one()
    assert (reminder.week, reminder.intents) == ("2026-W48", 1)


def test_expired_position_is_withdrawn_from_channels(db, make_position):
    position = make_position()
    channel = get_channel(db, "jycs")
    run_channel_sync(channel, by=ACTOR)
    set_position_status(position, PositionStatus.EXPIRED, by=ACTOR)
    run = run_channel_sync(channel, by=ACTOR)
    assert run.withdrawn == 1


def test_items_failing_transiently_are_listed_as_retried_next_run(
    db, client, login_as, make_user, make_position
):
    position = make_position()
    channel = get_channel(db, "jycs")
    run_channel_sync(channel, by=ACTOR)
    row = db.session.scalar(
        sa.select(ChannelPosting).where(ChannelPosting.channel_id == channel.id)
    )
    row.state = PostingState.PENDING
    row.last_error = "对方服务器错误（HTTP 502），已重试 3 次"
    row.last_attempt_at = utcnow()
    db.session.flush()
    login_as(make_user(Role.ADMIN))

    page = client.get("/channels/jycs").get_data(as_text=True)

    assert "HTTP 502" in page and position.ref in page and "下次自动重试" in page
    assert f"/postings/{row.id}/retry" not in page


def test_position_past_valid_until_is_withdrawn_before_the_expiry_job(db, make_position):
    from datetime import date, timedelta

    position = make_position()
    channel = get_channel(db, "jycs")
    run_channel_sync(channel, by=ACTOR)
    position.valid_until = date.today() - timedelta(days=1)
    db.session.flush()

    run = run_channel_sync(channel, by=ACTOR)

    assert run.withdrawn == 1


def test_sync_run_command_fails_when_a_channel_stops(db, runner, make_position, monkeypatch):
    monkeypatch.delenv("RECRUIT_CHANNEL_XJY_TOKEN", raising=False)
    channel = get_channel(db, "xjy")
    channel.base_url = "http://127.0.0.1:9"
    channel.enabled = True
    make_position()

    result = runner.invoke(args=["sync", "run", "--channel", "xjy"])

    assert result.exit_code == 1
    assert "未配置令牌：环境变量 RECRUIT_CHANNEL_XJY_TOKEN 为空" in result.output
    assert "未完成同步的渠道：xjy" in result.output
