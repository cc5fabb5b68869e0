"""The changes feed of pull channels: snapshot, changes after a cursor, consumer tokens."""

import json
import random
import threading
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import requests
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from flask_migrate import upgrade
from werkzeug.serving import make_server

from jobs import schedule_jobs
from recruit import create_app
from recruit.api.postings_routes import PostingDocumentSchema
from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.channels.consumers import issue_consumer_token, revoke_consumer_token
from recruit.channels.models import (
    Channel,
    ChannelConsumer,
    ChannelKind,
    ChannelPosting,
    PostingChange,
    PostingState,
)
from recruit.channels.services import (
    create_channel,
    queue_sync,
    seed_channels,
    sync_now,
    update_channel,
)
from recruit.db_types import utcnow
from recruit.employers.models import Employer, EmployerStatus
from recruit.errors import Conflict
from recruit.extensions import db as _db
from recruit.fairs.models import FairPosition, Participation, ParticipationStatus
from recruit.positions.models import Position, PositionStatus
from recruit.positions.services import set_position_status
from recruit.refdata.services import load_refdata
from recruit.sync.desired import publishable_query
from recruit.sync.documents import apply_field_map, build_document
from recruit.validators import uscc_check_char

ADMIN = system("tests.changes")
CHANGES = "/api/v1/postings/changes"
SNAPSHOT = "/api/v1/postings/snapshot"


def _pull_channel(code="jobstream", scope_regions=None):
    channel = create_channel(code, f"拉取测试 {code}", "pull", by=ADMIN)
    changes = {"enabled": True}
    if scope_regions:
        changes["scope_regions"] = scope_regions
    update_channel(channel, changes, by=ADMIN)
    consumer, token = issue_consumer_token(channel, "某招聘平台", by=ADMIN)
    return SimpleNamespace(channel=channel, consumer=consumer, token=token)


@pytest.fixture(autouse=True)
def compare_every_read(app, monkeypatch):
    """Compare every document on every read (the default does so at most once a minute)."""
    monkeypatch.setitem(app.config, "CHANGES_FULL_CHECK_SECONDS", 0)


@pytest.fixture
def pull(db):
    """An enabled pull channel for all of the city, with one consumer's token."""
    found = _pull_channel()
    db.session.commit()
    return found


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def read(client, token, path=CHANGES, **params):
    response = client.get(path, query_string=params, headers=auth(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


class Mirror:
    """What an integrator holds: a snapshot, then every change applied in order."""

    def __init__(self, client, token):
        self.client, self.token = client, token
        body = read(client, token, SNAPSHOT)
        self.postings = {doc["ref"]: doc for doc in body["postings"]}
        self.cursor = body["cursor"]
        self.seen: list[dict] = []

    def follow(self, limit=7) -> list[dict]:
        """Read every page after the cursor; return the changes read."""
        read_now = []
        while True:
            body = read(self.client, self.token, since=self.cursor, limit=limit)
            for change in body["changes"]:
                if change["action"] == "withdrawn":
                    assert change["posting"] is None
                    self.postings.pop(change["ref"], None)
                else:
                    assert change["posting"]["ref"] == change["ref"]
                    self.postings[change["ref"]] = change["posting"]
            read_now.extend(body["changes"])
            assert body["since"] == self.cursor
            self.cursor = body["next_cursor"]
            if not body["has_more"]:
                break
        self.seen.extend(read_now)
        return read_now


def truth(channel) -> dict[str, dict]:
    """Return the documents the channel should show now, built afresh by the push sync's code."""
    field_map = (channel.settings or {}).get("field_map")
    ids = list(_db.session.scalars(publishable_query(channel)))
    found = {}
    for position in _db.session.scalars(sa.select(Position).where(Position.id.in_(ids))):
        document = apply_field_map(build_document(position), field_map)
        found[document["ref"]] = json.loads(json.dumps(document))
    return found


def actions(changes) -> list[tuple[str, str]]:
    return [(c["action"], c["ref"]) for c in changes]


# --- authentication ------------------------------------------------------------------------


def test_without_a_token_or_with_a_wrong_one_the_feed_answers_401(client, pull):
    for path in (CHANGES, SNAPSHOT):
        assert client.get(path).status_code == 401
        for token in ("rc_" + "x" * 43, "nonsense", pull.token + "x", pull.token[:-1]):
            response = client.get(path, headers=auth(token))
            assert response.status_code == 401, token
            assert response.get_json()["message"] == "对接令牌无效或已撤销。"
    assert client.get(SNAPSHOT, headers=auth(pull.token)).status_code == 200


def test_a_revoked_token_is_refused_at_once(client, db, pull):
    assert client.get(SNAPSHOT, headers=auth(pull.token)).status_code == 200
    revoke_consumer_token(pull.channel, pull.consumer.id, by=ADMIN)
    db.session.commit()
    assert client.get(SNAPSHOT, headers=auth(pull.token)).status_code == 401


def test_a_users_api_token_is_refused_with_403(client, make_user, bearer, pull):
    headers = bearer(make_user(Role.ADMIN))
    response = client.get(CHANGES, headers=headers)
    assert response.status_code == 403
    assert "对接令牌" in response.get_json()["message"]


def test_another_channels_token_reads_its_own_channel_only(client, db, make_position, pull):
    other = _pull_channel("portal2", scope_regions=["430281"])
    db.session.commit()
    make_position(employer=None, work_region_code="430211")
    liling = make_position(work_region_code="430281")
    db.session.commit()
    # Naming the other channel with this token is refused.
    response = client.get(SNAPSHOT, query_string={"channel": "portal2"}, headers=auth(pull.token))
    assert response.status_code == 403
    assert (
        client.get(
            SNAPSHOT, query_string={"channel": "jobstream"}, headers=auth(pull.token)
        ).status_code
        == 200
    )
    # Its cursor means nothing here: 400, not another channel's log.
    theirs = read(client, other.token, SNAPSHOT)
    assert [doc["ref"] for doc in theirs["postings"]] == [liling.ref]
    response = client.get(
        CHANGES, query_string={"since": theirs["cursor"]}, headers=auth(pull.token)
    )
    assert response.status_code == 400
    assert response.get_json()["errors"]["since"] == [
        "游标不属于本渠道：请使用本渠道令牌取得的游标。"
    ]


def test_a_disabled_or_pushed_channel_refuses_its_consumers(client, db, pull):
    update_channel(pull.channel, {"enabled": False}, by=ADMIN)
    db.session.commit()
    assert client.get(CHANGES, headers=auth(pull.token)).status_code == 403
    update_channel(pull.channel, {"enabled": True}, by=ADMIN)
    pull.channel.kind = ChannelKind.FEED
    db.session.commit()
    assert client.get(CHANGES, headers=auth(pull.token)).status_code == 403


def test_only_pull_channels_get_consumer_tokens(db):
    llzgz = db.session.scalar(sa.select(Channel).where(Channel.code == "llzgz"))
    with pytest.raises(Conflict):
        issue_consumer_token(llzgz, "某平台", by=ADMIN)


def test_the_token_is_stored_only_as_its_hash(db, pull):
    row = db.session.get(ChannelConsumer, pull.consumer.id)
    assert pull.token.startswith("rc_") and len(pull.token) > 40
    assert pull.token not in (row.token_hash, row.prefix)
    assert row.prefix == pull.token[:10]


# --- scope, order, paging --------------------------------------------------------------------


def test_the_channels_scope_is_the_push_syncs(client, db, make_position):
    scoped = _pull_channel("liling", scope_regions=["430281"])
    db.session.commit()
    inside = make_position(work_region_code="430281")
    outside = make_position(work_region_code="430211")
    draft = make_position(work_region_code="430281", status=PositionStatus.DRAFT)
    db.session.commit()
    body = read(client, scoped.token, SNAPSHOT)
    refs = [doc["ref"] for doc in body["postings"]]
    assert refs == [inside.ref]
    assert outside.ref not in refs and draft.ref not in refs
    # Scope widened: the positions now in scope are published as changes.
    update_channel(scoped.channel, {"scope_regions": []}, by=ADMIN)
    db.session.commit()
    changes = read(client, scoped.token, since=body["cursor"])["changes"]
    assert actions(changes) == [("published", outside.ref)]
    # And narrowed again: withdrawn.
    update_channel(scoped.channel, {"scope_regions": ["430281"]}, by=ADMIN)
    db.session.commit()
    after = read(client, scoped.token, since=body["cursor"])["changes"]
    assert actions(after) == [("published", outside.ref), ("withdrawn", outside.ref)]


def test_changes_come_in_order_page_by_page(client, db, make_position, pull):
    start = read(client, pull.token, SNAPSHOT)["cursor"]
    positions = [make_position(title=f"岗位{n}") for n in range(5)]
    db.session.commit()
    first = read(client, pull.token, since=start, limit=2)
    assert first["has_more"] is True
    assert actions(first["changes"]) == [("published", p.ref) for p in positions[:2]]
    second = read(client, pull.token, since=first["next_cursor"], limit=2)
    third = read(client, pull.token, since=second["next_cursor"], limit=2)
    assert third["has_more"] is False
    everything = first["changes"] + second["changes"] + third["changes"]
    assert actions(everything) == [("published", p.ref) for p in positions]
    cursors = [int(c["cursor"].split("-")[1]) for c in everything]
    assert cursors == sorted(cursors) and len(set(cursors)) == 5
    assert everything[-1]["cursor"] == third["next_cursor"]
    # Reading again from the end: nothing, and the same cursor back.
    again = read(client, pull.token, since=third["next_cursor"])
    assert again["changes"] == [] and again["next_cursor"] == third["next_cursor"]
    # Resuming from the cursor of one change inside a page.
    resumed = read(client, pull.token, since=everything[2]["cursor"])
    assert actions(resumed["changes"]) == actions(everything[3:])


def test_the_posting_is_the_push_syncs_document(client, db, make_position, pull):
    position = make_position(title="陶瓷技工", salary_min=5000, salary_max=8000)
    db.session.commit()
    body = read(client, pull.token, SNAPSHOT)
    assert body["postings"] == [json.loads(json.dumps(build_document(position)))]
    change = read(client, pull.token)["changes"][0]
    assert change["posting"] == body["postings"][0]
    assert change["revision"] == position.revision and change["ref"] == position.ref
    # The OpenAPI schema names every field the document carries (unknown fields raise).
    PostingDocumentSchema().load(body["postings"][0])


# --- what counts as a change ----------------------------------------------------------------


def test_edits_of_the_position_employer_and_fair_appear_as_changes(
    client, db, make_position, make_fair, pull
):
    position = make_position(title="普工")
    fair = make_fair(date.today() + timedelta(days=10))
    participation = Participation(
        fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED
    )
    db.session.add(participation)
    db.session.flush()
    db.session.add(FairPosition(participation=participation, position=position, openings=2))
    db.session.commit()
    mirror = Mirror(client, pull.token)
    assert mirror.postings[position.ref]["fairs"][0]["title"] == fair.title

    position.title = "普工（夜班）"
    db.session.commit()
    assert actions(mirror.follow()) == [("changed", position.ref)]
    assert mirror.postings[position.ref]["title"] == "普工（夜班）"

    position.employer.name = "株洲新名字陶瓷有限公司"
    db.session.commit()
    assert actions(mirror.follow()) == [("changed", position.ref)]
    assert mirror.postings[position.ref]["employer"]["name"] == "株洲新名字陶瓷有限公司"

    fair.title = "春风行动专场（改期）"
    fair.starts_at = fair.starts_at + timedelta(days=1)
    fair.ends_at = fair.ends_at + timedelta(days=1)
    db.session.commit()
    assert actions(mirror.follow()) == [("changed", position.ref)]
    assert mirror.postings[position.ref]["fairs"][0]["title"] == "春风行动专场（改期）"

    # Nothing changed: nothing logged, however often it is read.
    assert mirror.follow() == [] and mirror.follow() == []
    assert mirror.postings == truth(pull.channel)


def test_a_position_change_is_seen_at_once_the_full_comparison_once_a_while(
    app, client, db, make_position, pull, monkeypatch
):
    monkeypatch.setitem(app.config, "CHANGES_FULL_CHECK_SECONDS", 3600)
    position = make_position(title="普工")
    db.session.commit()
    mirror = Mirror(client, pull.token)
    assert mirror.follow() == []
    position.employer.name = "改名后的企业"
    db.session.commit()
    assert mirror.follow() == []  # compared less than an hour ago: not yet
    set_position_status(position, PositionStatus.CLOSED, by=ADMIN)
    db.session.commit()
    assert actions(mirror.follow()) == [("withdrawn", position.ref)]
    set_position_status(position, PositionStatus.OPEN, by=ADMIN)
    db.session.commit()
    change = mirror.follow()[0]
    assert change["action"] == "published"
    assert change["posting"]["employer"]["name"] == "改名后的企业"
    position.employer.name = "又改名的企业"
    db.session.commit()
    monkeypatch.setitem(app.config, "CHANGES_FULL_CHECK_SECONDS", 0)  # the hour has passed
    assert actions(mirror.follow()) == [("changed", position.ref)]


def test_closing_expiry_suspension_and_reopening_appear(client, db, make_position, pull):
    closed, expired, suspended = (make_position(title=f"岗位{n}") for n in range(3))
    db.session.commit()
    mirror = Mirror(client, pull.token)
    assert set(mirror.postings) == {closed.ref, expired.ref, suspended.ref}

    set_position_status(closed, PositionStatus.CLOSED, by=ADMIN)
    expired.valid_until = date.today() - timedelta(days=1)  # before the expiry job marks it
    suspended.employer.status = EmployerStatus.SUSPENDED
    db.session.commit()
    assert sorted(actions(mirror.follow())) == sorted(
        [("withdrawn", closed.ref), ("withdrawn", expired.ref), ("withdrawn", suspended.ref)]
    )
    assert mirror.postings == {}

    set_position_status(closed, PositionStatus.OPEN, by=ADMIN)
    db.session.commit()
    assert actions(mirror.follow()) == [("published", closed.ref)]
    assert mirror.postings == truth(pull.channel)


def test_the_channel_rows_are_settled_and_never_pushed(client, db, make_position, pull):
    position = make_position()
    db.session.commit()
    read(client, pull.token)
    row = db.session.scalar(
        sa.select(ChannelPosting).where(
            ChannelPosting.channel_id == pull.channel.id,
            ChannelPosting.position_id == position.id,
        )
    )
    assert row.state is PostingState.SYNCED
    with pytest.raises(Conflict):
        sync_now(pull.channel, by=ADMIN)
    with pytest.raises(Conflict):
        queue_sync(pull.channel, by=ADMIN)


# --- mirror == snapshot ----------------------------------------------------------------------


def test_random_operations_leave_every_mirror_equal_to_the_snapshot(
    client, db, make_position, make_employer, make_fair, pull
):
    rng = random.Random(19)
    employers = [make_employer(region_code=rng.choice(["430211", "430281"])) for _ in range(3)]
    fair = make_fair(date.today() + timedelta(days=5))
    positions = [make_position(employer=rng.choice(employers), title=f"岗位{n}") for n in range(6)]
    db.session.commit()
    early = Mirror(client, pull.token)
    late = None

    def operate():
        position = rng.choice(positions)
        op = rng.randrange(9)
        if op == 0:
            position.title = f"岗位{rng.randrange(1000)}"
        elif op == 1:
            position.openings = rng.randrange(1, 50)
        elif op == 2:
            status = rng.choice([PositionStatus.OPEN, PositionStatus.CLOSED, PositionStatus.FILLED])
            set_position_status(position, status, by=ADMIN)
        elif op == 3:
            employer = rng.choice(employers)
            employer.name = f"企业{rng.randrange(1000)}有限公司"
        elif op == 4:
            employer = rng.choice(employers)
            employer.status = rng.choice([EmployerStatus.APPROVED, EmployerStatus.SUSPENDED])
        elif op == 5:
            fair.title = f"招聘会{rng.randrange(1000)}"
        elif op == 6:
            participation = db.session.scalar(
                sa.select(Participation).where(
                    Participation.fair_id == fair.id,
                    Participation.employer_id == position.employer_id,
                )
            )
            if participation is None:
                participation = Participation(
                    fair=fair, employer=position.employer, status=ParticipationStatus.APPROVED
                )
                db.session.add(participation)
                db.session.flush()
            offered = db.session.scalar(
                sa.select(FairPosition.id).where(
                    FairPosition.participation_id == participation.id,
                    FairPosition.position_id == position.id,
                )
            )
            if offered is None:
                db.session.add(
                    FairPosition(participation=participation, position=position, openings=1)
                )
        elif op == 7:
            position.valid_until = date.today() + timedelta(days=rng.choice([-2, 30, 90]))
        else:
            positions.append(
                make_position(employer=rng.choice(employers), title=f"新岗位{len(positions)}")
            )
        db.session.commit()

    for step in range(60):
        operate()
        if rng.random() < 0.3:
            early.follow(limit=rng.randrange(1, 5))
        if step == 30:
            late = Mirror(client, pull.token)
        elif late is not None and rng.random() < 0.2:
            late.follow(limit=3)
    early.follow()
    late.follow()
    snapshot = read(client, pull.token, SNAPSHOT)
    expected = {doc["ref"]: doc for doc in snapshot["postings"]}
    assert early.postings == expected
    assert late.postings == expected
    assert expected == truth(pull.channel)
    assert early.cursor == late.cursor == snapshot["cursor"]
    assert {c["action"] for c in early.seen} >= {"published", "changed", "withdrawn"}


# --- cursors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["abc", "1", "-1", "1-2-3", "x-1", "1-" + "9" * 13, "\u0661-0"])
def test_a_malformed_cursor_is_400(client, pull, cursor):
    response = client.get(CHANGES, query_string={"since": cursor}, headers=auth(pull.token))
    assert response.status_code == 400
    assert "since" in response.get_json()["errors"]


def test_a_cursor_from_the_future_is_400(client, pull):
    cursor = read(client, pull.token, SNAPSHOT)["cursor"]
    channel_id, seq = cursor.split("-")
    response = client.get(
        CHANGES, query_string={"since": f"{channel_id}-{int(seq) + 5}"}, headers=auth(pull.token)
    )
    assert response.status_code == 400


def test_a_cursor_older_than_the_compacted_log_is_410(
    app, client, db, make_position, pull, monkeypatch
):
    position = make_position(title="甲")
    db.session.commit()
    old = read(client, pull.token, SNAPSHOT)["cursor"]
    for title in ("乙", "丙"):
        position.title = title
        db.session.commit()
        read(client, pull.token)
    monkeypatch.setitem(app.config, "CHANGES_RETENTION_DAYS", 0)
    position.title = "丁"
    db.session.commit()
    snapshot = read(client, pull.token, SNAPSHOT)
    response = client.get(CHANGES, query_string={"since": old}, headers=auth(pull.token))
    assert response.status_code == 410
    assert "快照" in response.get_json()["message"]
    # The snapshot still holds the position, and its cursor is valid.
    assert [doc["title"] for doc in snapshot["postings"]] == ["丁"]
    assert read(client, pull.token, since=snapshot["cursor"])["changes"] == []
    kept = db.session.scalars(
        sa.select(PostingChange.seq).where(PostingChange.channel_id == pull.channel.id)
    ).all()
    assert len(kept) == 1


# --- consumers on the channel page, the scheduler, the commands ------------------------------


def test_the_channel_page_issues_tokens_and_shows_what_each_consumer_read(
    client, db, make_user, login_as, pull
):
    body = read(client, pull.token, SNAPSHOT)
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login_as(admin)
    page = client.get("/channels/jobstream").get_data(as_text=True)
    assert "某招聘平台" in page and pull.token[:10] in page and body["cursor"] in page
    assert pull.token not in page

    response = client.post("/channels/jobstream/consumers", data={"name": "第二个平台"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    token = html.split('<code class="user-select-all">')[1].split("</code>")[0]
    assert token.startswith("rc_")
    assert client.get(SNAPSHOT, headers=auth(token)).status_code == 200
    assert token not in client.get("/channels/jobstream").get_data(as_text=True)

    refused = client.post("/channels/jobstream/consumers", data={"name": " "})
    assert "请填写对接方名称" in refused.get_data(as_text=True)

    consumer = db.session.scalar(
        sa.select(ChannelConsumer).where(ChannelConsumer.name == "第二个平台")
    )
    client.post(f"/channels/jobstream/consumers/{consumer.id}/revoke")
    assert client.get(SNAPSHOT, headers=auth(token)).status_code == 401


def test_an_organizer_sees_consumers_but_may_not_issue(client, db, make_user, login_as, pull):
    organizer = make_user(Role.ORGANIZER)
    db.session.commit()
    login_as(organizer)
    assert "某招聘平台" in client.get("/channels/jobstream").get_data(as_text=True)
    assert client.post("/channels/jobstream/consumers", data={"name": "x"}).status_code == 403
    revoke = f"/channels/jobstream/consumers/{pull.consumer.id}/revoke"
    assert client.post(revoke).status_code == 403
    assert client.get(SNAPSHOT, headers=auth(pull.token)).status_code == 200


def test_the_scheduler_skips_pull_channels(app, db, pull):
    scheduler = BackgroundScheduler()
    schedule_jobs(scheduler, app)
    ids = {job.id for job in scheduler.get_jobs()}
    assert "sync:jycs" in ids and "sync:jobstream" not in ids


def test_commands_create_a_pull_channel_and_issue_a_token(runner, db):
    created = runner.invoke(
        args=["channels", "create", "portal9", "--name", "某平台", "--kind", "pull"]
    )
    assert created.exit_code == 0, created.output
    assert "拉取接口" in created.output
    issued = runner.invoke(args=["channels", "issue-token", "portal9", "--name", "某平台对接"])
    assert issued.exit_code == 0, issued.output
    token = issued.output.strip().splitlines()[-1]
    assert token.startswith("rc_")
    taken = runner.invoke(
        args=["channels", "create", "portal9", "--name", "又一个", "--kind", "pull"]
    )
    assert taken.exit_code != 0 and "已被使用" in taken.output


# --- over real HTTP, two consumers at once ---------------------------------------------------


@pytest.mark.ownsdb
def test_two_consumers_mirror_the_channel_over_http_while_positions_change(tmp_path):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}",
        CHANGES_FULL_CHECK_SECONDS=0,
    )
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade()
        load_refdata()
        seed_channels()
        first = _pull_channel()
        second_token = issue_consumer_token(first.channel, "第二平台", by=ADMIN)[1]
        channel_id = first.channel.id
        _db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with app.app_context():
            body = "91430211MA4T9"
            employer = Employer(
                name="直播测试企业",
                uscc=body + "0000" + uscc_check_char(body + "0000"),
                region_code="430211",
                industry_section="C",
                status=EmployerStatus.APPROVED,
            )
            _db.session.add(employer)
            _db.session.commit()
            employer_id = employer.id

        errors: list[str] = []
        mirrors: dict[str, dict] = {}

        def consume(token):
            session = requests.Session()
            headers = auth(token)
            try:
                snap = session.get(f"{base}{SNAPSHOT}", headers=headers, timeout=10).json()
                held = {doc["ref"]: doc for doc in snap["postings"]}
                cursor = snap["cursor"]
                for _ in range(15):
                    page = session.get(
                        f"{base}{CHANGES}",
                        params={"since": cursor, "limit": 3},
                        headers=headers,
                        timeout=10,
                    )
                    if page.status_code != 200:
                        errors.append(page.text)
                        return
                    for change in page.json()["changes"]:
                        if change["action"] == "withdrawn":
                            held.pop(change["ref"], None)
                        else:
                            held[change["ref"]] = change["posting"]
                    cursor = page.json()["next_cursor"]
                mirrors[token] = (held, cursor)
            finally:
                session.close()

        readers = [threading.Thread(target=consume, args=(t,)) for t in (first.token, second_token)]
        for reader in readers:
            reader.start()
        with app.app_context():
            for n in range(12):
                position = Position(
                    employer_id=employer_id,
                    title=f"直播岗位{n}",
                    occupation_major_group=6,
                    openings=1 + n,
                    work_region_code="430211",
                    valid_until=date.today() + timedelta(days=30),
                    status=PositionStatus.OPEN,
                    published_at=utcnow(),
                )
                _db.session.add(position)
                _db.session.flush()
                position_id = position.id  # read now: after the commit it would be a read first
                _db.session.commit()
                if n % 4 == 3:
                    # A write first, as every writer on SQLite should (no stale read to upgrade).
                    _db.session.execute(
                        sa.update(Position)
                        .where(Position.id == position_id)
                        .values(status=PositionStatus.CLOSED, version=Position.version + 1)
                    )
                    _db.session.commit()
            _db.session.remove()
        for reader in readers:
            reader.join(30)
        assert errors == []
        # Both read on from where they stopped, and end where the snapshot is.
        final = requests.get(f"{base}{SNAPSHOT}", headers=auth(first.token), timeout=10).json()
        expected = {doc["ref"]: doc for doc in final["postings"]}
        assert len(expected) == 9
        for token in (first.token, second_token):
            held, cursor = mirrors[token]
            rest = requests.get(
                f"{base}{CHANGES}",
                params={"since": cursor, "limit": 1000},
                headers=auth(token),
                timeout=10,
            ).json()
            for change in rest["changes"]:
                if change["action"] == "withdrawn":
                    held.pop(change["ref"], None)
                else:
                    held[change["ref"]] = change["posting"]
            assert held == expected
            assert rest["next_cursor"] == final["cursor"]
        with app.app_context():
            seqs = _db.session.scalars(
                sa.select(PostingChange.seq)
                .where(PostingChange.channel_id == channel_id)
                .order_by(PostingChange.seq)
            ).all()
            assert seqs == list(range(1, len(seqs) + 1))  # no gaps, no duplicates
            reads = {
                c.name: (c.reads, c.last_cursor)
                for c in _db.session.scalars(sa.select(ChannelConsumer))
            }
            assert all(count >= 2 for count, _cursor in reads.values())
            _db.session.remove()
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()
        with app.app_context():
            _db.engine.dispose()
