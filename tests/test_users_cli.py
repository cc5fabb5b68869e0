"""`flask users create` and `set-password`: each role, the prompt, refusals that write nothing."""

import json

import pytest
import sqlalchemy as sa

from recruit.audit.models import AuditLog
from recruit.auth.models import Role, User
from recruit.auth.tokens import create_token
from recruit.extensions import db
from recruit.validators import uscc_check_char

PASSWORD = "Zhuzhou-2026-pass"


def create(runner, *args: str, password: str | None = PASSWORD, stdin: str | None = None):
    """Run `flask users create` with the password on standard input."""
    argv = ["users", "create", *args]
    if stdin is None:
        argv.append("--password-stdin")
        stdin = f"{password}\n"
    return runner.invoke(args=argv, input=stdin)


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditLog.id)))


def get_user(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_creates_an_admin_from_a_password_on_stdin(runner):
    before = user_count()
    result = create(runner, "--username", "bureau.admin", "--role", "admin", "--name", "信息科")

    assert result.exit_code == 0, result.output
    assert "已创建用户 bureau.admin（系统管理员）" in result.output
    assert user_count() == before + 1
    user = get_user("bureau.admin")
    assert user.role is Role.ADMIN
    assert user.display_name == "信息科"
    assert user.region_code is None and user.employer_id is None
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password(PASSWORD)
    assert user.active


@pytest.mark.parametrize("region", ["430200", "430281"])
def test_creates_an_organizer_with_a_region(runner, region):
    result = create(runner, "--username", f"org{region}", "--role", "organizer", "--region", region)

    assert result.exit_code == 0, result.output
    user = get_user(f"org{region}")
    assert user.role is Role.ORGANIZER
    assert user.region_code == region


def test_creates_a_viewer(runner):
    result = create(runner, "--username", "leader", "--role", "viewer")

    assert result.exit_code == 0, result.output
    assert "领导查看" in result.output
    assert get_user("leader").role is Role.VIEWER


def test_creates_an_employer_account_linked_by_uscc(runner, make_employer):
    employer = make_employer()
    db.session.commit()

    result = create(
        runner, "--username", "hr01", "--role", "employer", "--employer-uscc", employer.uscc
    )

    assert result.exit_code == 0, result.output
    user = get_user("hr01")
    assert user.role is Role.EMPLOYER
    assert user.employer_id == employer.id


def test_employer_uscc_may_be_typed_in_lower_case_with_spaces(runner, make_employer):
    employer = make_employer()
    db.session.commit()
    assert employer.uscc != employer.uscc.lower()

    result = create(
        runner,
        "--username",
        "hr02",
        "--role",
        "employer",
        "--employer-uscc",
        f"  {employer.uscc.lower()} ",
    )

    assert result.exit_code == 0, result.output
    assert get_user("hr02").employer_id == employer.id


def test_interactive_prompt_asks_twice_and_creates_the_user(runner):
    result = create(
        runner, "--username", "prompted", "--role", "admin", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert "密码" in result.output and "再次输入密码" in result.output
    assert PASSWORD not in result.output
    assert get_user("prompted").check_password(PASSWORD)


def test_interactive_prompt_repeats_when_the_two_entries_differ(runner):
    result = create(
        runner,
        "--username",
        "retyped",
        "--role",
        "admin",
        stdin=f"{PASSWORD}\nsomething-else-1\n{PASSWORD}\n{PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert get_user("retyped").check_password(PASSWORD)


def test_successful_creation_is_audited_without_the_password(runner):
    result = create(runner, "--username", "audited", "--role", "organizer", "--region", "430200")
    assert result.exit_code == 0, result.output
    user = get_user("audited")

    entries = list(
        db.session.scalars(
            sa.select(AuditLog).where(
                AuditLog.action == "user.create", AuditLog.object_id == str(user.id)
            )
        )
    )

    assert len(entries) == 1
    entry = entries[0]
    assert entry.object_type == "users"
    assert entry.summary["username"] == "audited"
    assert entry.summary["role"] == "organizer"
    dumped = json.dumps(entry.summary, ensure_ascii=False)
    assert PASSWORD not in dumped
    assert "password" not in dumped.lower()
    assert "scrypt" not in dumped


def _valid_unknown_uscc() -> str:
    body = "91430211MA4TYYYY9"
    return body + uscc_check_char(body)


def _bad_check_char_uscc() -> str:
    body = "91430211MA4TYYYY9"
    good = uscc_check_char(body)
    return body + ("1" if good != "1" else "2")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--username", "taken", "--role", "admin"], PASSWORD, "用户名：“taken”已被使用"),
        (["--username", "ab", "--role", "admin"], PASSWORD, "用户名：须为 3–64 位"),
        (["--username", "张三", "--role", "admin"], PASSWORD, "用户名："),
        (["--username", "has space", "--role", "admin"], PASSWORD, "用户名："),
        (["--username", "newadmin", "--role", "admin"], "short1", "密码：至少 8 位"),
        (["--username", "newadmin", "--role", "admin"], "", "密码：至少 8 位"),
        (
            ["--username", "newadmin", "--role", "admin"],
            "P@ssw0rd",
            "密码：太容易被猜到（这是常见密码",
        ),
        (["--username", "newadmin", "--role", "admin"], "1234567890", "密码：太容易被猜到"),
        (["--username", "newadmin", "--role", "admin"], "newadmin2026", "含有用户名"),
        (["--username", "neworg", "--role", "organizer"], PASSWORD, "区域：组织者必须指定"),
        (
            ["--username", "neworg", "--role", "organizer", "--region", "439999"],
            PASSWORD,
            "区域：行政区划代码“439999”不存在",
        ),
        (
            ["--username", "neworg", "--role", "organizer", "--region", "430221"],
            PASSWORD,
            "区域：“株洲县”（430221）已撤销（现为 430212）",
        ),
        (["--username", "newhr", "--role", "employer"], PASSWORD, "统一社会信用代码：用人单位账号"),
        (
            ["--username", "newhr", "--role", "employer", "--employer-uscc", "BAD"],
            PASSWORD,
            "统一社会信用代码：“BAD”应为 18 位（当前 3 位）",
        ),
        (
            [
                "--username",
                "newhr",
                "--role",
                "employer",
                "--employer-uscc",
                _bad_check_char_uscc(),
            ],
            PASSWORD,
            "校验位不符",
        ),
        (
            [
                "--username",
                "newhr",
                "--role",
                "employer",
                "--employer-uscc",
                _valid_unknown_uscc(),
            ],
            PASSWORD,
            f"统一社会信用代码：系统中没有代码为 {_valid_unknown_uscc()} 的企业",
        ),
        (
            ["--username", "newviewer", "--role", "viewer", "--region", "430200"],
            PASSWORD,
            "区域：只有组织者需要指定区域",
        ),
        (
            ["--username", "newadmin", "--role", "admin", "--employer-uscc", _valid_unknown_uscc()],
            PASSWORD,
            "统一社会信用代码：只有用人单位账号需要关联企业",
        ),
    ],
    ids=[
        "username-taken",
        "username-too-short",
        "username-not-ascii",
        "username-with-space",
        "password-short",
        "password-empty",
        "password-common",
        "password-digits-only",
        "password-is-the-username",
        "organizer-without-region",
        "region-unknown",
        "region-abolished",
        "employer-without-uscc",
        "uscc-malformed",
        "uscc-bad-check-char",
        "uscc-valid-but-unknown",
        "region-for-viewer",
        "uscc-for-admin",
    ],
)
def test_refusals_exit_non_zero_in_chinese_and_write_nothing(
    runner, make_user, args, password, message
):
    make_user(Role.VIEWER, username="taken")
    db.session.commit()
    users_before, audits_before = user_count(), audit_count()

    result = create(runner, *args, password=password)

    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert user_count() == users_before
    assert audit_count() == audits_before
    assert get_user("taken") is not None


def test_unknown_role_is_refused_by_the_command_line(runner):
    before = user_count()
    result = create(runner, "--username", "boss", "--role", "superuser")
    assert result.exit_code != 0
    assert "superuser" in result.output
    assert user_count() == before


@pytest.mark.parametrize(
    "password", [" " * 10, "!!!!!!!!!!", "--------"], ids=["spaces", "bangs", "dashes"]
)
def test_passwords_of_one_repeated_character_are_refused(runner, password):
    before = user_count()
    result = create(runner, "--username", "weakling", "--role", "admin", password=password)
    assert result.exit_code != 0
    assert "密码：太容易被猜到（有重复的字符或片段）" in result.output
    assert user_count() == before


def test_a_long_passphrase_without_digits_or_symbols_is_accepted(runner):
    result = create(
        runner, "--username", "phrase", "--role", "admin", password="correct horse battery staple"
    )
    assert result.exit_code == 0, result.output
    assert get_user("phrase").check_password("correct horse battery staple")


def test_organizer_region_must_lie_within_the_city(runner):
    before = user_count()
    result = create(runner, "--username", "province", "--role", "organizer", "--region", "430000")
    assert result.exit_code != 0
    assert "区域：" in result.output
    assert user_count() == before


def test_set_password_lets_a_user_who_forgot_sign_in_again_and_ends_the_old_access(
    runner, client, make_user
):
    user = make_user(Role.ORGANIZER, username="clerk.liu")
    _token, secret = create_token(user, "旧令牌")
    db.session.commit()

    result = runner.invoke(
        args=["users", "set-password", "clerk.liu", "--password-stdin"],
        input="Ceramic-kiln-river-2026\n",
    )

    assert result.exit_code == 0, result.output
    assert "已为 clerk.liu 设置新密码" in result.output and "撤销了 1 个 API 令牌" in result.output
    assert get_user("clerk.liu").check_password("Ceramic-kiln-river-2026")
    revoked = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {secret}"})
    assert revoked.status_code == 401
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "user.password_reset"))
    assert entry is not None and "Ceramic" not in json.dumps(entry.summary)
    assert "Ceramic" not in result.output


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["nobody"], "Ceramic-kiln-river-2026", "用户名：没有用户 nobody"),
        (["clerk.wang"], "P@ssw0rd", "密码"),
    ],
)
def test_set_password_refusals_change_nothing(runner, make_user, args, password, message):
    user = make_user(Role.ORGANIZER, username="clerk.wang")
    db.session.commit()
    before = user.password_hash

    result = runner.invoke(
        args=["users", "set-password", *args, "--password-stdin"], input=f"{password}\n"
    )

    assert result.exit_code == 1 and message in result.output
    assert get_user("clerk.wang").password_hash == before
