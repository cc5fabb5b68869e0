"""The admin lists: a row action returns to the search and page it was taken on; paging."""

from recruit.auth.models import Role
from recruit.employers.models import EmployerStatus


def test_suspend_and_reinstate_return_to_the_same_search(
    client, db, make_user, make_employer, login_as
):
    employer = make_employer()
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login_as(admin)
    listed = client.get("/admin/employers", query_string={"q": employer.uscc, "page": "1"})
    page = listed.get_data(as_text=True)
    assert f"/admin/employers/{employer.id}/suspend?q={employer.uscc}" in page

    done = client.post(
        f"/admin/employers/{employer.id}/suspend?q={employer.uscc}&page=1&employer_id=9",
        data={"note": "欠薪投诉核查中"},
    )
    assert done.status_code == 302
    assert done.headers["Location"] == f"/admin/employers?q={employer.uscc}&page=1"
    db.session.refresh(employer)
    assert employer.status is EmployerStatus.SUSPENDED

    back = client.post(f"/admin/employers/{employer.id}/reinstate?status=suspended")
    assert back.headers["Location"] == "/admin/employers?status=suspended"


def test_the_admin_lists_answer_a_nonsense_page_with_the_first(client, db, make_user, login_as):
    admin = make_user(Role.ADMIN)
    db.session.commit()
    login_as(admin)
    for url in ("/admin/users", "/admin/employers"):
        for page in ("0", "-5", "abc", "99999999999999999999"):
            response = client.get(url, query_string={"page": page})
            assert response.status_code == 200, (url, page)
