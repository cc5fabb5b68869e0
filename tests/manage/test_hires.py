"""Tentative hires: the phone form's duplicate check and the all-or-nothing spreadsheet import."""

import io

import openpyxl
import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.db_types import utcnow
from recruit.errors import Conflict, Invalid, ServiceError
from recruit.fairs.models import FairStatus
from recruit.hires import contact, imports, intents
from recruit.hires.models import HireSource, TentativeHire
from recruit.refdata.codes import Education, Gender

VALID_ID = "11010519491231002X"


def _seeker(position_id, **overrides):
    values = dict(
        seeker_name="张三",
        seeker_phone="139 0731 0001",
        seeker_id_number="",
        gender="male",
        education="senior_high",
        priority_groups=["graduate"],
        position_id=position_id,
    )
    values.update(overrides)
    return intents.clean_seeker(values)


def _count(db):
    return db.session.scalar(sa.select(sa.func.count(TentativeHire.id)))


def test_an_intent_is_registered_without_personal_data_in_the_audit(
    db, open_fair, make_user, city_organizer
):
    setup = open_fair()
    hire = intents.register_intent(setup.fair, _seeker(setup.position.id), by=city_organizer)
    assert hire.seeker_phone == "13907310001"
    assert hire.gender is Gender.MALE and hire.education is Education.SENIOR_HIGH
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "hire.register")).one()
    assert "13907310001" not in str(entry.summary) and "张三" not in str(entry.summary)


def test_the_same_seeker_position_and_fair_is_refused_as_a_duplicate(
    db, open_fair, make_position, city_organizer
):
    setup = open_fair()
    intents.register_intent(setup.fair, _seeker(setup.position.id), by=city_organizer)
    with pytest.raises(Conflict, match="重复登记"):
        intents.register_intent(
            setup.fair,
            _seeker(setup.position.id, seeker_phone="+86 13907310001"),
            by=city_organizer,
        )
    # A different position at the same fair is a second intent (人次).
    other = make_position(employer=setup.position.employer)
    setup.part.fair_positions[0].participation.fair_positions.append(
        type(setup.part.fair_positions[0])(position=other, openings=1)
    )
    db.session.flush()
    intents.register_intent(setup.fair, _seeker(other.id), by=city_organizer)
    assert _count(db) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seeker_phone", "1234", "手机号"),
        ("seeker_id_number", "110105194912310021", "身份证号"),
        ("seeker_name", " ", "姓名"),
        ("gender", "unknown", "性别"),
    ],
)
def test_bad_seeker_fields_are_named_in_chinese(open_fair, field, value, message):
    setup = open_fair()
    with pytest.raises(Invalid, match=message):
        _seeker(setup.position.id, **{field: value})


def test_a_position_not_offered_at_the_fair_is_refused(open_fair, make_position, city_organizer):
    setup = open_fair()
    stranger = make_position()
    with pytest.raises(ServiceError, match="不在本场招聘会"):
        intents.register_intent(setup.fair, _seeker(stranger.id), by=city_organizer)


def test_intents_are_refused_on_a_planned_fair(open_fair, city_organizer):
    setup = open_fair(status=FairStatus.PLANNED)
    with pytest.raises(Conflict, match="只有报名中或举办中"):
        intents.register_intent(setup.fair, _seeker(setup.position.id), by=city_organizer)


# --- the spreadsheet import ----------------------------------------------------------


def _workbook(rows, header=imports.TEMPLATE_COLUMNS) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "就业意向"
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    book.close()
    buffer.seek(0)
    return buffer


def test_a_clean_file_is_imported_whole(db, open_fair, city_organizer):
    setup = open_fair()
    pid = setup.position.id
    rows = [
        ("李四", "男", "13907310002", VALID_ID, "大专", "高校毕业生、退役军人", pid),
        ("王五", "", 13907310003, "", "", "", str(pid)),
    ]
    result = imports.import_hires(setup.fair, _workbook(rows), by=city_organizer)
    assert result.ok and result.imported == 2
    hires = db.session.scalars(sa.select(TentativeHire).order_by(TentativeHire.id)).all()
    assert [h.seeker_name for h in hires] == ["李四", "王五"]
    assert hires[0].priority_groups == ["graduate", "veteran"]
    assert hires[0].education is Education.JUNIOR_COLLEGE
    assert hires[1].seeker_phone == "13907310003"
    assert {h.source for h in hires} == {HireSource.IMPORT}


def test_a_file_with_errors_writes_nothing_and_lists_every_row(
    db, open_fair, make_position, city_organizer
):
    setup = open_fair()
    pid = setup.position.id
    stranger = make_position()
    rows = [
        ("李四", "男", "13907310002", "", "", "", pid),
        ("", "女", "12345", "110105194912310021", "幼儿园", "外星人", stranger.id),
        ("李四", "男", "13907310002", "", "", "", pid),
    ]
    result = imports.import_hires(setup.fair, _workbook(rows), by=city_organizer)
    assert not result.ok and result.imported == 0
    messages = [str(e) for e in result.errors]
    assert "第3行 姓名：必填" in messages
    assert any(m.startswith("第3行 手机号：") for m in messages)
    assert any(m.startswith("第3行 身份证号：") for m in messages)
    assert any(m.startswith("第3行 学历：") for m in messages)
    assert "第3行 重点群体：“外星人”不在重点群体列表中" in messages
    assert any(m.startswith("第3行 岗位编号：") for m in messages)
    assert "第4行 姓名：与第2行重复（同一人、同一岗位）" in messages
    assert _count(db) == 0


def test_rows_already_registered_at_the_fair_are_duplicates(db, open_fair, city_organizer):
    setup = open_fair()
    intents.register_intent(setup.fair, _seeker(setup.position.id), by=city_organizer)
    rows = [("张三", "男", "13907310001", "", "", "", setup.position.id)]
    result = imports.import_hires(setup.fair, _workbook(rows), by=city_organizer)
    assert [str(e) for e in result.errors] == ["第2行 姓名：该求职者已登记过本场该岗位的就业意向"]
    assert _count(db) == 1


def test_a_file_without_the_template_columns_is_refused(open_fair, city_organizer):
    setup = open_fair()
    with pytest.raises(ServiceError, match="缺少列"):
        imports.import_hires(setup.fair, _workbook([], header=["姓名", "电话"]), by=city_organizer)


def test_a_file_that_is_not_a_workbook_is_refused(open_fair, city_organizer):
    setup = open_fair()
    with pytest.raises(ServiceError, match="无法读取"):
        imports.import_hires(setup.fair, io.BytesIO(b"not a workbook"), by=city_organizer)


def test_the_template_lists_the_fairs_positions_and_imports_back(db, open_fair, city_organizer):
    setup = open_fair()
    template = io.BytesIO(imports.build_import_template(setup.fair, by=city_organizer))
    book = openpyxl.load_workbook(template)
    try:
        assert [c.value for c in book["就业意向"][1]] == list(imports.TEMPLATE_COLUMNS)
        positions = list(book["岗位列表"].iter_rows(min_row=2, values_only=True))
        assert positions[0][:2] == (setup.position.id, setup.position.title)
        book["就业意向"].append(["赵六", "女", "13907310009", "", "本科", "", setup.position.id])
        buffer = io.BytesIO()
        book.save(buffer)
    finally:
        book.close()
    buffer.seek(0)
    assert imports.import_hires(setup.fair, buffer, by=city_organizer).imported == 1


def test_the_export_holds_full_contact_details_and_is_audited(
    db, open_fair, make_user, city_organizer
):
    setup = open_fair()
    intents.register_intent(setup.fair, _seeker(setup.position.id), by=city_organizer)
    organizer = make_user("organizer")
    data = contact.export_hires(setup.fair, by=organizer, password_checked_at=utcnow())
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        rows = list(book["就业意向"].iter_rows(values_only=True))
    finally:
        book.close()
    assert rows[0][:4] == ("编号", "姓名", "性别", "手机号")
    assert rows[1][1:4] == ("张三", "男", "13907310001")
    entry = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "hire.export")).one()
    assert entry.user_id == organizer.id and entry.summary == {"fair_id": setup.fair.id, "rows": 1}


def test_the_template_offers_drop_downs_for_coded_columns(open_fair, city_organizer):
    setup = open_fair()
    template = io.BytesIO(imports.build_import_template(setup.fair, by=city_organizer))
    book = openpyxl.load_workbook(template)
    try:
        validations = {
            str(v.sqref).split(":")[0]: v.formula1
            for v in book["就业意向"].data_validations.dataValidation
        }
    finally:
        book.close()
    assert validations["B2"] == '"男,女"'
    assert "小学" in validations["E2"] and "不限" not in validations["E2"]
    assert validations["G2"] == "岗位列表!$A$2:$A$2"
