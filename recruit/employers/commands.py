"""flask employers suspend|reinstate|list"""

import click
from flask.cli import with_appcontext

from recruit.auth.actors import system
from recruit.cli import CommandError
from recruit.employers.models import EmployerStatus
from recruit.employers.suspension import (
    admin_employer_by_uscc,
    employers_query,
    reinstate_employer,
    suspend_employer,
)
from recruit.errors import ServiceError
from recruit.extensions import db
from recruit.uow import unit_of_work

#: Who the `employers` commands act as, in the audit log.
ACTOR = system("command.employers")


@click.group("employers", help="用工企业：暂停、恢复、查找。")
def employers_cli() -> None:
    """The `employers` command group."""


@employers_cli.command("suspend", help="暂停一家已通过的企业（其岗位下线并从各渠道撤下）。")
@click.argument("uscc")
@click.option("--note", required=True, help="暂停原因（企业可见）。")
@with_appcontext
def suspend_command(uscc: str, note: str) -> None:
    try:
        with unit_of_work():
            employer = suspend_employer(admin_employer_by_uscc(ACTOR, uscc), by=ACTOR, note=note)
    except ServiceError as refusal:
        raise CommandError(refusal.message) from None
    click.echo(f"{employer.name}（{employer.uscc}）已暂停。")


@employers_cli.command("reinstate", help="恢复一家已暂停的企业（其招聘中的岗位重新发布）。")
@click.argument("uscc")
@with_appcontext
def reinstate_command(uscc: str) -> None:
    try:
        with unit_of_work():
            employer = reinstate_employer(admin_employer_by_uscc(ACTOR, uscc), by=ACTOR)
    except ServiceError as refusal:
        raise CommandError(refusal.message) from None
    click.echo(f"{employer.name}（{employer.uscc}）已恢复。")


@employers_cli.command("list", help="列出企业（可按名称或代码、状态筛选）。")
@click.option("--search", default="", help="企业名称的一部分，或完整的统一社会信用代码。")
@click.option(
    "--status", type=click.Choice([s.value for s in EmployerStatus]), help="只列出这个状态的企业。"
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 1000))
@with_appcontext
def list_command(search: str, status: str | None, limit: int) -> None:
    query = employers_query(ACTOR, search, EmployerStatus(status) if status else None)
    for employer in db.session.scalars(query.limit(limit)):
        note = f"  {employer.review_note}" if employer.review_note else ""
        click.echo(f"{employer.uscc}  {employer.status.label:<4}  {employer.name}{note}")
