"""Hostile input: script in every text field comes back escaped; junk files are refused whole."""

import io
import zipfile
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.errors import ServiceError
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import local_today
from recruit.hires.imports import TEMPLATE_COLUMNS, import_hires
from recruit.hires.models import TentativeHire
from recruit.positions.models import PositionStatus

#: Who uploads the files: the system, so the scope plays no part in what is tested here.
IMPORTER = system("tests.hostile_input")
PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(db, make_employer, make_position, make_fair):
    employer = make_employer(name="企业" + PAYLOAD, address=PAYLOAD, contact_name=PAYLOAD[:40])
    position = make_position(employer=employer, title="岗位" + PAYLOAD[:60], description=PAYLOAD)
    pending = make_position(
        employer=employer, title="待审" + PAYLOAD[:60], status=PositionStatus.PENDING
    )
    fair = make_fair(
        day=local_today(),
        title="招聘会" + PAYLOAD[:100],
        venue=PAYLOAD,
        description=PAYLOAD,
        status=FairStatus.HELD,
    )
    part = Participation(
        fair=fair, employer=employer, status=ParticipationStatus.APPROVED, booth="A1"
    )
    part.fair_positions.append(FairPosition(position=position, openings=2))
    hire = TentativeHire(
        fair=fair, position=position, seeker_name=PAYLOAD[:40], seeker_phone="13800001111"
    )
    db.session.add_all([part, hire])
    db.session.commit()
    return employer, position, pending, fair


def test_script_in_text_fields_is_escaped_on_every_page_showing_it(
    client, make_user, login_as, hostile
):
    employer, position, _pending, fair = hostile
    public = [
        "/",
        f"/fairs/{fair.id}",
        "/fairs/",
        f"/positions/{position.id}",
        "/positions/?q=" + PAYLOAD,
        f"/employers/{employer.id}",
    ]
    staff = [
        f"/manage/fairs/{fair.id}",
        f"/manage/fairs/{fair.id}/participants",
        f"/manage/fairs/{fair.id}/intents",
        f"/manage/fairs/{fair.id}/day",
        f"/manage/fairs/{fair.id}/summary",
        "/manage/review",
        "/manage/fairs",
        f"/positions/{position.id}",
    ]
    shown = 0
    for urls, role in ((public, None), (staff, Role.ADMIN)):
        if role:
            login_as(make_user(role))
        for url in urls:
            body = client.get(url).get_data(as_text=True)
            assert "<script>alert" not in body, url
            assert "<img src=x onerror" not in body, url
            shown += "&lt;script&gt;alert" in body
    assert shown >= 8  # the payload really was on those pages, escaped


def _workbook(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "就业意向"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def import_fair(db, make_fair, make_position):
    fair = make_fair(day=local_today() - timedelta(days=1), status=FairStatus.HELD)
    position = make_position()
    part = Participation(fair=fair, employer=position.employer, status=ParticipationStatus.ATTENDED)
    part.fair_positions.append(FairPosition(position=position, openings=2))
    db.session.add(part)
    db.session.flush()
    return fair, position


def _count(db, fair) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(TentativeHire.id)).where(TentativeHire.fair_id == fair.id)
    )


#: Text a spreadsheet can hold (no control characters, which openpyxl cannot write).
printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
cell = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    printable.filter(lambda t: not t.startswith("=")),
    st.sampled_from(["男", "女", "本科", "高校毕业生", "13800001111", "11010519491231002X"]),
)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.one_of(st.lists(printable, max_size=9), st.just(list(TEMPLATE_COLUMNS))),
    rows=st.lists(st.lists(cell, max_size=9), max_size=6),
)
def test_any_malformed_workbook_is_refused_with_a_message_and_writes_nothing(
    db, import_fair, header, rows
):
    fair, _position = import_fair
    before = _count(db, fair)
    try:
        result = import_hires(fair, _workbook([header, *rows]), by=IMPORTER)
    except ServiceError as refusal:
        assert str(refusal)  # a message for the person who uploaded it
    else:
        assert result.errors or result.imported
        if result.errors:
            assert all(error.message for error in result.errors)
            assert _count(db, fair) == before


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(junk=st.binary(max_size=2000))
def test_files_that_are_not_workbooks_are_refused(db, import_fair, junk):
    fair, _position = import_fair
    with pytest.raises(ServiceError, match="文件"):
        import_hires(fair, io.BytesIO(junk), by=IMPORTER)
    assert _count(db, fair) == 0


def test_a_zip_that_is_not_a_workbook_is_refused(db, import_fair):
    fair, _position = import_fair
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    buffer.seek(0)
    with pytest.raises(ServiceError, match="文件"):
        import_hires(fair, buffer, by=IMPORTER)
