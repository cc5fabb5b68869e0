"""flask channels list|set|create|issue-token|revoke-token"""

import click
from flask.cli import with_appcontext

from recruit.auth.actors import system
from recruit.channels.consumers import issue_consumer_token, revoke_consumer_token
from recruit.channels.models import ChannelKind
from recruit.channels.services import create_channel, get_channel, list_channels, update_channel
from recruit.cli import CommandError
from recruit.errors import NotFound, ServiceError
from recruit.uow import unit_of_work

#: Who the `channels` commands act as, in the audit log.
ACTOR = system("command")


@click.group("channels", help="外部渠道设置。")
def channels_cli() -> None:
    """The `channels` command group."""


@channels_cli.command("list", help="列出渠道及其设置。")
@with_appcontext
def list_command() -> None:
    click.echo(
        f"{'代码':<8}{'名称':<20}{'类型':<16}{'启用':<6}{'时间':<14}{'并发':<6}{'范围':<16}接口地址"
    )
    for channel in list_channels(ACTOR):
        scope = ",".join(
            channel.scope_regions + channel.scope_industry_chains + channel.scope_fair_types
        )
        click.echo(
            f"{channel.code:<8}{channel.name:<20}{channel.kind.value:<16}"
            f"{'是' if channel.enabled else '否':<6}{channel.schedule:<14}{channel.concurrency:<8}"
            f"{scope or '全部':<16}"
            f"{channel.base_url or '-'}"
        )


def _channel(code: str):
    try:
        return get_channel(ACTOR, code)
    except NotFound:
        raise CommandError(f"没有代码为 {code} 的渠道") from None


def _split(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.split(",") if part.strip()]


@channels_cli.command("set", help="修改一个渠道的设置。")
@click.argument("code")
@click.option("--base-url", help="接口地址（http_json 渠道）。")
@click.option(
    "--token-env",
    help="保存令牌的环境变量名，须为 RECRUIT_CHANNEL_<渠道代码>_TOKEN（令牌本身不入库）。",
)
@click.option("--concurrency", type=int, help="同步时同时发出的请求数（1–32，默认 8）。")
@click.option("--enable/--disable", "enabled", default=None, help="启用或停用。")
@click.option("--scope-region", multiple=True, help="范围：地区代码，可重复；传空字符串清空。")
@click.option("--scope-industry-chain", multiple=True, help="范围：产业链代码，可重复。")
@click.option("--scope-fair-type", multiple=True, help="范围：招聘会类型，可重复。")
@click.option("--schedule", help="同步时间（上海时间），如 'mon 02:00'。")
@with_appcontext
def set_command(code, base_url, token_env, concurrency, enabled, scope_region,
                scope_industry_chain, scope_fair_type, schedule) -> None:  # fmt: skip
    channel = _channel(code)
    changes = {}
    if base_url is not None:
        changes["base_url"] = base_url
    if token_env is not None:
        changes["token_env"] = token_env
    if concurrency is not None:
        changes["concurrency"] = concurrency
    if enabled is not None:
        changes["enabled"] = enabled
    if scope_region:
        changes["scope_regions"] = _split(scope_region)
    if scope_industry_chain:
        changes["scope_industry_chains"] = _split(scope_industry_chain)
    if scope_fair_type:
        changes["scope_fair_types"] = _split(scope_fair_type)
    if schedule is not None:
        changes["schedule"] = schedule
    if not changes:
        raise CommandError("没有要修改的设置")
    try:
        with unit_of_work():
            update_channel(channel, changes, by=ACTOR)
    except ServiceError as error:
        raise CommandError(error.message) from None
    click.echo(f"渠道 {channel.code}（{channel.name}）已更新。")


@channels_cli.command("create", help="新增一个渠道（新增后停用，设置完成后用 set --enable 启用）。")
@click.argument("code")
@click.option("--name", required=True, help="渠道名称。")
@click.option(
    "--kind",
    required=True,
    type=click.Choice([kind.value for kind in ChannelKind]),
    help="渠道类型；pull = 拉取接口（对接方按游标读取岗位变更）。",
)
@with_appcontext
def create_command(code, name, kind) -> None:
    try:
        with unit_of_work():
            channel = create_channel(code, name, kind, by=ACTOR)
            label = f"{channel.code}（{channel.name}，{channel.kind.label}）"
    except ServiceError as error:
        raise CommandError(error.message) from None
    click.echo(f"渠道 {label} 已新增，当前为停用状态。")


@channels_cli.command("issue-token", help="为拉取接口渠道的对接方签发令牌（只显示一次）。")
@click.argument("code")
@click.option("--name", required=True, help="对接方名称。")
@with_appcontext
def issue_token_command(code, name) -> None:
    channel = _channel(code)
    try:
        with unit_of_work():
            consumer, token = issue_consumer_token(channel, name, by=ACTOR)
            consumer_id = consumer.id
    except ServiceError as error:
        raise CommandError(error.message) from None
    click.echo(f"已为对接方“{name.strip()}”（编号 {consumer_id}）签发令牌，只显示这一次：")
    click.echo(token)


@channels_cli.command("revoke-token", help="撤销拉取接口渠道某个对接方的令牌。")
@click.argument("code")
@click.argument("consumer_id", type=int)
@with_appcontext
def revoke_token_command(code, consumer_id) -> None:
    channel = _channel(code)
    try:
        with unit_of_work():
            consumer = revoke_consumer_token(channel, consumer_id, by=ACTOR)
            name = consumer.name
    except ServiceError as error:
        raise CommandError(error.message) from None
    click.echo(f"对接方“{name}”的令牌已撤销。")
