"""The 0015 migration: existing channels keep their token under the one allowed variable name."""

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from recruit import create_app
from recruit.extensions import db as _db


@pytest.mark.ownsdb
def test_the_migration_renames_token_variables_and_drops_unsafe_links(tmp_path, capfd):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    app.instance_path = str(tmp_path)
    with app.app_context():
        upgrade(revision="0011")
        conn = _db.session.connection()
        conn.exec_driver_sql(
            "INSERT INTO channels (id, code, name, kind, enabled, scope_regions,"
            " scope_industry_chains, scope_fair_types, schedule, base_url, token_env, settings,"
            " created_at, updated_at) VALUES"
            " (1, 'xjy', '湘就业', 'http_json', 1, '[]', '[]', '[]', 'mon 02:00',"
            "  'https://xjy.example.cn', 'XJY_TOKEN', '{}', '2026-01-01', '2026-01-01'),"
            " (2, 'zzrc', '人才网', 'http_json', 0, '[]', '[]', '[]', 'mon 02:00',"
            "  NULL, 'RECRUIT_CHANNEL_ZZRC_TOKEN', '{}', '2026-01-01', '2026-01-01')"
        )
        _db.session.commit()
        upgrade(revision="0015")
        rows = dict(_db.session.execute(sa.text("SELECT code, token_env FROM channels")).all())
        concurrency = _db.session.scalar(sa.text("SELECT concurrency FROM channels WHERE id = 1"))
        _db.session.remove()
        _db.engine.dispose()
    assert rows == {"xjy": "RECRUIT_CHANNEL_XJY_TOKEN", "zzrc": "RECRUIT_CHANNEL_ZZRC_TOKEN"}
    assert concurrency == 8
    # The operator is told which variable to set now.
    assert "XJY_TOKEN 改为 RECRUIT_CHANNEL_XJY_TOKEN" in capfd.readouterr().err
