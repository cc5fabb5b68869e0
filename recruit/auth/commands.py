"""flask users …"""

import sys

import click
from flask.cli import with_appcontext

from recruit.audit.services import record_audit
from recruit.auth.actors import system
from recruit.auth.models import Role
from recruit.auth.reset import send_reset_by_staff, sent_words
from recruit.auth.services import create_user, find_user, reset_password
from recruit.cli import CommandError
from recruit.errors import ServiceError
from recruit.uow import unit_of_work


@click.group("users", help="用户账号管理。")
def users_cli() -> None:
    """The `users` command group."""


@users_cli.command("create", help="创建用户；密码从提示输入或 --password-stdin 读取。")
@click.option("--username", required=True, help="登录用户名。")
@click.option(
    "--role",
    required=True,
    type=click.Choice([r.value for r in Role]),
    help="角色：admin 系统管理员、organizer 组织者、employer 用人单位、viewer 领导查看。",
)
@click.option("--region", "region_code", help="组织者负责的行政区划代码，如 430200、430281。")
@click.option("--employer-uscc", help="用人单位账号所属企业的统一社会信用代码。")
@click.option("--name", "display_name", help="显示名称。")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行）。")
@with_appcontext
def create_command(username, role, region_code, employer_uscc, display_name, password_stdin):
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    try:
        with unit_of_work():
            user = create_user(
                username,
                password,
                role,
                region_code=region_code,
                employer_uscc=employer_uscc,
                display_name=display_name,
            )
            record_audit(
                "user.create",
                user,
                by=system("command.users_create"),
                summary={"username": user.username, "role": role},
            )
    except ServiceError as error:
        raise CommandError(error.message) from None
    click.echo(f"已创建用户 {user.username}（{user.role.label}）。")


@users_cli.command(
    "set-password",
    help="为忘记密码的用户设置新密码（同样的密码规则）；该账号在所有设备上退出，API 令牌撤销。",
)
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（一行）。")
@with_appcontext
def set_password_command(username, password_stdin):
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("新密码", hide_input=True, confirmation_prompt="再次输入新密码")
    actor = system("command.users_set_password")
    try:
        with unit_of_work():
            user = find_user(actor, username)
            ended = reset_password(user, password, by=actor)
    except ServiceError as error:
        raise CommandError(error.message) from None
    click.echo(
        f"已为 {user.username} 设置新密码；结束了 {ended['sessions']} 处登录，"
        f"撤销了 {ended['tokens']} 个 API 令牌。请当面或电话告知本人，并请其登录后自行修改。"
    )


@users_cli.command(
    "send-reset",
    help="向账号已验证的手机号发送重置密码验证码、向已验证的邮箱发送重置链接，由本人设置新密码。",
)
@click.argument("username")
@with_appcontext
def send_reset_command(username):
    actor = system("command.users_send_reset")
    try:
        with unit_of_work():
            user = find_user(actor, username)
            channels = send_reset_by_staff(actor, user.id)
    except ServiceError as error:
        raise CommandError(error.message) from None
    click.echo(f"已向 {user.username} 已验证的联系方式发送{sent_words(channels)}。")
