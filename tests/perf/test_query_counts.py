"""List pages run a fixed number of SQL statements, however many rows the page shows.

Each page is requested with 2 rows of its list and again with 8; an N+1 query (a lazy load per
row in the template or the serializer) makes the second count larger.
"""

import pytest

from recruit.auth.tokens import create_token
from recruit.extensions import db

PUBLIC, ADMIN, EMPLOYER, API_EMPLOYER = "public", "admin", "employer", "api-employer"

PERIOD = "preset=custom&start={start}&end={end}"

LIST_PAGES = [
    (PUBLIC, "/fairs/"),
    (PUBLIC, "/fairs/?when=past"),
    (PUBLIC, "/positions/"),
    (PUBLIC, "/employers/{home}"),
    (ADMIN, "/reports/rows/fairs?" + PERIOD),
    (ADMIN, "/reports/rows/attendances?" + PERIOD),
    (ADMIN, "/reports/rows/positions?" + PERIOD),
    (ADMIN, "/reports/rows/entries?" + PERIOD),
    (ADMIN, "/reports/rows/intents?" + PERIOD),
    (ADMIN, "/reports/rows/intents?step=hired&" + PERIOD),
    (ADMIN, "/channels/"),
    (ADMIN, "/channels/jycs"),
    (ADMIN, "/admin/audit"),
    (EMPLOYER, "/employer/positions"),
    (EMPLOYER, "/employer/outcomes"),
    (EMPLOYER, "/employer/fairs"),
    (PUBLIC, "/api/v1/fairs?per_page=100"),
    (PUBLIC, "/api/v1/fairs?when=past&per_page=100"),
    (PUBLIC, "/api/v1/positions?per_page=100"),
    (API_EMPLOYER, "/api/v1/employer/positions?per_page=100"),
    (API_EMPLOYER, "/api/v1/employer/fairs?per_page=100"),
    (API_EMPLOYER, "/api/v1/employer/hires?per_page=100"),
]


@pytest.mark.parametrize(("who", "url"), LIST_PAGES, ids=[url for _, url in LIST_PAGES])
def test_list_page_runs_the_same_queries_for_2_rows_and_8(
    who, url, world, client, login_as, count_queries
):
    url = url.format(home=world.home_id, start=world.held_day, end=world.held_day)
    headers = {}
    if who in (ADMIN, EMPLOYER):
        login_as(world.users[who])
    elif who == API_EMPLOYER:
        _token, secret = create_token(world.users["employer"], "perf")
        headers = {"Authorization": f"Bearer {secret}"}
    db.session.flush()

    counts, sizes = [], []
    for more in (2, 6):
        world.grow(more)
        client.get(url, headers=headers).close()  # warm caches the first request fills
        with count_queries() as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        sizes.append(len(response.get_data()))
        response.close()
        counts.append(statements)
        db.session.expunge_all()

    assert sizes[1] > sizes[0], f"{url}: the page did not show the added rows"
    few, many = counts
    extra = [s for s in many if many.count(s) > few.count(s)]
    assert len(few) == len(many), (
        f"{url}: {len(few)} queries for 2 rows, {len(many)} for 8; repeated: {extra[:2]}"
    )
