"""The xlsx_export workbook and the feeds, parsed back; channel scope."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import sqlalchemy as sa

from recruit.channels.models import Channel, ChannelPosting, Desired, PostingState
from recruit.channels.services import update_channel
from recruit.positions.models import PositionStatus
from recruit.positions.services import set_position_status
from recruit.sync.connectors.xlsx_export import exports_dir
from recruit.sync.services import run_channel_sync
from tests.sync.conftest import ACTOR


def get_channel(db, code) -> Channel:
    return db.session.scalar(sa.select(Channel).where(Channel.code == code))


def test_xlsx_export_writes_a_workbook_per_run_that_reads_back(app, db, make_position):
    channel = get_channel(db, "jycs")
    kept = make_position(title='=HYPERLINK("http://evil","点我")', description="+SUM(A1)")
    closed = make_position(title="包装工")
    first = run_channel_sync(channel, by=ACTOR)
    assert first.created == 2 and first.output_file

    set_position_status(closed, PositionStatus.CLOSED, by=ACTOR)
    second = run_channel_sync(channel, by=ACTOR)
    assert second.withdrawn == 1 and second.output_file != first.output_file

    book = openpyxl.load_workbook(exports_dir("jycs") / first.output_file)
    try:
        assert book.sheetnames == ["新增／更新", "撤下"]
        sheet = book["新增／更新"]
        header = [c.value for c in sheet[1]]
        assert header[:4] == ["岗位编号", "版本", "岗位名称", "招聘人数"]
        rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
        cell = rows[kept.ref][2]
        # Formula injection: written as text with a leading apostrophe, never as a formula.
        assert cell.data_type == "s"
        assert cell.value == '\'=HYPERLINK("http://evil","点我")'
        assert rows[kept.ref][3].value == 5
        description = rows[kept.ref][header.index("岗位描述")]
        assert description.value == "'+SUM(A1)"
    finally:
        book.close()
    book = openpyxl.load_workbook(exports_dir("jycs") / second.output_file)
    try:
        withdrawn = [[c.value for c in row] for row in book["撤下"].iter_rows(min_row=2)]
        assert withdrawn == [[closed.ref, "已关闭"]]
        assert book["新增／更新"].max_row == 1  # nothing new
    finally:
        book.close()
    assert not list(Path(exports_dir("jycs")).glob("*.part"))


def test_feed_lists_only_postings_in_scope_with_etag_and_last_modified(
    db, client, make_employer, make_position
):
    channel = get_channel(db, "llzgz")  # scope 醴陵市 430281
    liling = make_position(employer=make_employer(region_code="430281"), title="陶瓷彩绘工")
    elsewhere = make_position(title="电工")
    run = run_channel_sync(channel, by=ACTOR)
    assert run.created == 1

    response = client.get("/feeds/llzgz.json")
    assert response.status_code == 200
    data = json.loads(response.get_data())
    assert [p["ref"] for p in data["postings"]] == [liling.ref]
    assert elsewhere.ref not in response.get_data(as_text=True)
    assert data["postings"][0]["title"] == "陶瓷彩绘工"
    etag = response.headers["ETag"]
    assert response.headers["Last-Modified"]

    again = client.get("/feeds/llzgz.json", headers={"If-None-Match": etag})
    assert again.status_code == 304
    since = client.get(
        "/feeds/llzgz.json", headers={"If-Modified-Since": response.headers["Last-Modified"]}
    )
    assert since.status_code == 304

    xml = client.get("/feeds/llzgz.xml")
    root = ET.fromstring(xml.get_data())
    jobs = root.findall("job")
    assert [j.findtext("referencenumber") for j in jobs] == [liling.ref]
    assert jobs[0].findtext("title") == "陶瓷彩绘工"
    assert jobs[0].findtext("city") == "醴陵市"
    assert jobs[0].findtext("salary") == "4000-6000 元/月"

    set_position_status(liling, PositionStatus.CLOSED, by=ACTOR)
    changed = client.get("/feeds/llzgz.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert json.loads(changed.get_data())["postings"] == []


def test_feed_of_a_disabled_or_non_feed_channel_is_not_found(db, client):
    assert client.get("/feeds/xjy.json").status_code == 404
    assert client.get("/feeds/nosuch.xml").status_code == 404
    get_channel(db, "llzgz").enabled = False
    assert client.get("/feeds/llzgz.json").status_code == 404


def test_scope_change_withdraws_positions_now_out_of_scope(db, make_employer, make_position):
    channel = get_channel(db, "jycs")
    liling = make_position(employer=make_employer(region_code="430281"))
    tianyuan = make_position()
    run_channel_sync(channel, by=ACTOR)

    update_channel(channel, {"scope_regions": ["430281"]}, by=ACTOR)

    rows = {
        r.position_id: r
        for r in db.session.scalars(
            sa.select(ChannelPosting).where(ChannelPosting.channel_id == channel.id)
        )
    }
    assert rows[tianyuan.id].desired is Desired.WITHDRAWN
    assert rows[tianyuan.id].state is PostingState.PENDING
    assert rows[liling.id].state is PostingState.SYNCED
    run = run_channel_sync(channel, by=ACTOR)
    # The position still in scope is checked again (its hash) and left as it is.
    assert run.withdrawn == 1 and run.unchanged == 1


def test_scope_by_industry_chain_and_fair_type(db, make_employer, make_position, make_fair):
    from recruit.fairs.models import FairPosition, Participation, ParticipationStatus
    from recruit.refdata.codes import FairType
    from recruit.refdata.models import IndustryChain
    from recruit.sync.desired import refresh_desired

    channel = get_channel(db, "zzrc")
    ceramics = db.session.scalar(sa.select(IndustryChain).where(IndustryChain.code == "ceramics"))
    potter = make_position(employer=make_employer(industry_chain_id=ceramics.id))
    other = make_position()
    update_channel(channel, {"scope_industry_chains": ["ceramics"]}, by=ACTOR)
    published = set(
        db.session.scalars(
            sa.select(ChannelPosting.position_id).where(
                ChannelPosting.channel_id == channel.id,
                ChannelPosting.desired == Desired.PUBLISHED,
            )
        )
    )
    assert potter.id in published and other.id not in published

    update_channel(
        channel,
        {"scope_industry_chains": [], "scope_fair_types": [FairType.GRADUATES.value]},
        by=ACTOR,
    )
    fair = make_fair(type=FairType.GRADUATES)
    participation = Participation(
        fair=fair, employer=other.employer, status=ParticipationStatus.APPROVED
    )
    db.session.add(participation)
    db.session.add(FairPosition(participation=participation, position=other, openings=2))
    db.session.flush()
    refresh_desired(channel)
    published = set(
        db.session.scalars(
            sa.select(ChannelPosting.position_id).where(
                ChannelPosting.channel_id == channel.id,
                ChannelPosting.desired == Desired.PUBLISHED,
            )
        )
    )
    assert published & {potter.id, other.id} == {other.id}
