"""Public fair pages: the list of upcoming and past fairs, and one fair's page."""

from datetime import timedelta

from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.formatting import local_today
from recruit.positions.models import PositionStatus


def test_upcoming_and_past_fairs_are_listed_apart(client, db, make_fair):
    soon = make_fair(day=local_today() + timedelta(days=3), title="下周招聘会")
    past = make_fair(
        day=local_today() - timedelta(days=30), title="上月招聘会", status=FairStatus.CLOSED
    )
    cancelled = make_fair(title="取消的招聘会", status=FairStatus.CANCELLED)

    upcoming = client.get("/fairs/").get_data(as_text=True)
    earlier = client.get("/fairs/?when=past").get_data(as_text=True)

    assert soon.title in upcoming and past.title not in upcoming
    assert past.title in earlier and soon.title not in earlier
    assert cancelled.title not in upcoming + earlier


def test_the_fair_list_is_paged(client, db, make_fair, app):
    for n in range(app.config["PAGE_SIZE"] + 1):
        make_fair(day=local_today() + timedelta(days=1 + n), title=f"招聘会{n:02d}")

    first = client.get("/fairs/").get_data(as_text=True)
    second = client.get("/fairs/?page=2").get_data(as_text=True)

    assert "招聘会00" in first and "招聘会20" not in first
    assert "招聘会20" in second


def test_the_fair_page_shows_accepted_employers_booths_and_positions(
    client, db, make_fair, make_position
):
    fair = make_fair(title="春季综合招聘会", venue="株洲市人力资源市场")
    shown = make_position(title="数控车工")
    hidden = make_position(title="尚未审核企业的岗位")
    closed = make_position(
        title="已关闭岗位", employer=shown.employer, status=PositionStatus.CLOSED
    )
    for position, status, booth in (
        (shown, ParticipationStatus.APPROVED, "B07"),
        (hidden, ParticipationStatus.REQUESTED, None),
    ):
        participation = Participation(
            fair=fair, employer=position.employer, status=status, booth=booth
        )
        participation.fair_positions.append(FairPosition(position=position, openings=6))
        if position is shown:
            participation.fair_positions.append(FairPosition(position=closed, openings=1))
        db.session.add(participation)
    db.session.flush()

    page = client.get(f"/fairs/{fair.id}").get_data(as_text=True)

    assert "春季综合招聘会" in page and "株洲市人力资源市场" in page
    assert shown.employer.name in page and "展位 B07" in page
    assert f'href="/positions/{shown.id}"' in page and "招 6 人" in page
    # A closed position is named but not linked; an unaccepted employer is not shown.
    assert "已关闭岗位" in page and f'href="/positions/{closed.id}"' not in page
    assert hidden.employer.name not in page and "尚未审核企业的岗位" not in page


def test_an_unknown_fair_is_not_found(client):
    assert client.get("/fairs/999999").status_code == 404


def test_public_pages_need_no_sign_in(client, db, make_fair, make_position):
    fair = make_fair()
    position = make_position()
    position.published_at = position.created_at
    for url in ("/fairs/", f"/fairs/{fair.id}", "/positions/", f"/positions/{position.id}"):
        assert client.get(url).status_code == 200, url


def test_employer_public_profile_lists_its_open_positions(client, db, make_position):
    position = make_position(title="电子装配工")
    make_position(title="草稿", employer=position.employer, status=PositionStatus.DRAFT)

    page = client.get(f"/employers/{position.employer_id}").get_data(as_text=True)

    assert position.employer.name in page and "电子装配工" in page and "草稿" not in page


def test_a_pending_employer_has_no_public_profile(client, db, make_employer):
    from recruit.employers.models import EmployerStatus

    employer = make_employer(status=EmployerStatus.PENDING)

    assert client.get(f"/employers/{employer.id}").status_code == 404
