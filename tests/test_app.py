"""The application factory, its configurations, navigation and error pages."""

import pytest
from werkzeug.exceptions import Forbidden

from config import ProductionConfig
from recruit import create_app
from recruit.auth.models import Role


def test_production_refuses_to_start_without_secret_key_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("RECRUIT_PII_KEYS", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY、DATABASE_URL、RECRUIT_PII_KEYS"):
        create_app("production")


def test_production_takes_secret_and_database_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("RECRUIT_PII_KEYS", "key-one,key-two")
    monkeypatch.setenv("RECRUIT_PII_HASH_KEY", "hash-key")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://zhaopin.example.cn")
    # Messages only to the outbox, said explicitly (tests/notify covers the refusal).
    monkeypatch.setenv("RECRUIT_NOTIFY_OUTBOX_OK", "1")
    config = ProductionConfig()
    assert config.PII_KEYS == ["key-one", "key-two"] and config.PII_HASH_KEY == "hash-key"
    assert config.SECRET_KEY == "a-real-secret"
    assert config.SQLALCHEMY_DATABASE_URI.endswith("prod.db")
    assert config.PUBLIC_BASE_URL == "https://zhaopin.example.cn"
    assert config.SESSION_COOKIE_SECURE and config.REMEMBER_COOKIE_SECURE


def test_bootstrap_is_served_from_the_installed_package_not_a_cdn(client):
    page = client.get("/").get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower()
    with client.get("/bootstrap/static/css/bootstrap.min.css") as response:
        assert response.status_code == 200
        assert response.mimetype == "text/css"


@pytest.mark.parametrize(
    ("role", "visible", "hidden"),
    [
        (None, ["登录"], ["退出"]),
        (Role.ORGANIZER, ["退出", "组织者"], ["登录</a>"]),
        (Role.VIEWER, ["退出", "领导查看"], ["登录</a>"]),
    ],
)
def test_navigation_follows_the_role(client, make_user, login_as, role, visible, hidden):
    if role is not None:
        login_as(make_user(role))
    page = client.get("/").get_data(as_text=True)
    for text in visible:
        assert text in page
    for text in hidden:
        assert text not in page


def test_unexpected_errors_show_a_chinese_page_without_a_traceback(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'e.db'}")
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.route("/forbidden")
    def forbidden():
        raise Forbidden()

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "系统暂时出错" in body
    assert "secret internals" not in body and "Traceback" not in body
    response = client.get("/forbidden")
    assert response.status_code == 403
    assert "没有访问此页面的权限" in response.get_data(as_text=True)


def test_ids_beyond_what_the_database_holds_are_not_found_rather_than_errors(client):
    for url in ("/positions/99999999999999999999", "/fairs/0", "/employers/2147483648"):
        assert client.get(url).status_code == 404, url


def test_calendar_extremes_in_a_period_do_not_break_queries(app):
    from datetime import date

    from recruit.reports.metrics import compute_metrics

    assert compute_metrics(date(1, 1, 1), date(9999, 12, 31)).fairs >= 0
