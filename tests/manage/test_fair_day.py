"""The fair day on a phone: the number typed goes in with the source chosen, which stays."""

import re

import sqlalchemy as sa

from recruit.fairs.models import SeekerTally, TallySource


def _tallies(db, fair):
    rows = db.session.scalars(sa.select(SeekerTally).where(SeekerTally.fair_id == fair.id))
    return [(t.count, t.source) for t in rows]


def test_a_typed_number_is_recorded_with_the_source_chosen(
    db, client, login_as, city_organizer, open_fair
):
    setup = open_fair()
    login_as(city_organizer)
    url = f"/manage/fairs/{setup.fair.id}/day/tally"
    response = client.post(url, data={"source": "online", "other": "12", "add": "1"})
    assert _tallies(db, setup.fair) == [(12, TallySource.ONLINE)]
    # Back on the page, 线上 is still chosen for the next tap.
    assert "source=online" in response.location
    page = client.get(response.location).get_data(as_text=True)
    chosen = re.search(r'<input checked [^>]*name="source"[^>]*value="(\w+)"', page)
    assert chosen and chosen.group(1) == "online"


def test_a_button_adds_its_number_even_with_a_number_typed(
    db, client, login_as, city_organizer, open_fair
):
    setup = open_fair()
    login_as(city_organizer)
    url = f"/manage/fairs/{setup.fair.id}/day/tally"
    client.post(url, data={"source": "scan", "other": "12", "count": "5"})
    assert _tallies(db, setup.fair) == [(5, TallySource.SCAN)]


def test_adding_nothing_is_refused_and_writes_nothing(
    db, client, login_as, city_organizer, open_fair
):
    setup = open_fair()
    login_as(city_organizer)
    response = client.post(
        f"/manage/fairs/{setup.fair.id}/day/tally",
        data={"source": "gate", "other": "", "add": "1"},
        follow_redirects=True,
    )
    assert "请填写人数" in response.get_data(as_text=True)
    assert _tallies(db, setup.fair) == []
