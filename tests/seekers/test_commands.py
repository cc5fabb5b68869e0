"""flask seekers show / erase: staff act on a seeker's request made by phone."""

from recruit.audit.models import AuditLog
from recruit.seekers import services
from tests.seekers.conftest import entry_values


def test_staff_find_and_erase_a_seeker_by_mobile(runner, db, running_fair):
    setup = running_fair()
    result = services.enter_fair(setup.fair, entry_values(), address="-")
    services.apply(result.token, setup.fair, setup.positions[0].id)
    shown = runner.invoke(args=["seekers", "show", "--phone", "139 0733 1234"])
    assert shown.exit_code == 0, shown.output
    assert "139****1234" in shown.output and "入场1次" in shown.output and "投递1次" in shown.output
    assert "13907331234" not in shown.output
    erased = runner.invoke(args=["seekers", "erase", "--phone", "13907331234", "--yes"])
    assert erased.exit_code == 0, erased.output
    db.session.expire_all()
    assert result.seeker.deleted_at is not None and result.seeker.seeker_phone is None
    entry = db.session.query(AuditLog).filter_by(action="seeker.delete").one()
    assert entry.system_actor == "command.seeker_erase"
    missing = runner.invoke(args=["seekers", "show", "--phone", "13907331234"])
    assert missing.exit_code == 1 and "没有使用该手机号的求职者" in missing.output
    malformed = runner.invoke(args=["seekers", "erase", "--phone", "123", "--yes"])
    assert malformed.exit_code == 1 and "手机号" in malformed.output
