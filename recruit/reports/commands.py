"""flask report …"""

import json
from datetime import date

import click
from flask.cli import with_appcontext

from recruit.auth.actors import system
from recruit.cli import CommandError
from recruit.errors import Invalid
from recruit.refdata.codes import FairMode, FairType
from recruit.reports.metrics import ReportFilter
from recruit.reports.services import Also, bureau_paragraph, figure_fields, summarize


@click.group("report", help="统计报表。")
def report_cli() -> None:
    """The `report` command group."""


def _date(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{name} 应为日期，格式 YYYY-MM-DD，例如 2026-01-01：{value}") from None


@report_cli.command("summary", help="输出一个时段的统计数字；text 格式为局里通报用的句子。")
@click.option("--start", required=True, help="开始日期（含），YYYY-MM-DD。")
@click.option("--end", required=True, help="结束日期（含），YYYY-MM-DD。")
@click.option("--region", default=None, help="地区代码（含下级），例如 430281。")
@click.option("--industry-chain", default=None, help="产业链代码，例如 ceramics。")
@click.option(
    "--fair-type", type=click.Choice([t.value for t in FairType]), default=None, help="招聘会类型。"
)
@click.option(
    "--mode", type=click.Choice([m.value for m in FairMode]), default=None, help="举办方式。"
)
@click.option(
    "--also",
    multiple=True,
    metavar="REGION[:CHAIN]",
    help="在句子后加“其中”分句，可重复：430281、430281:ceramics 或 :ceramics。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式。",
)
@with_appcontext
def summary_command(start, end, region, industry_chain, fair_type, mode, also, fmt) -> None:
    first, last = _date(start, "--start"), _date(end, "--end")
    report = ReportFilter(first, last, region, fair_type, mode, industry_chain)
    actor = system("report summary")
    try:
        summary = summarize(actor, report, figures=True)
        paragraph = bureau_paragraph(actor, report, [Also.parse(a) for a in also])
    except Invalid as error:
        # Name the option the refused field came from, e.g. --industry-chain.
        option = f"--{error.field.replace('_', '-')} " if error.field else ""
        raise CommandError(option + error.message) from None
    if fmt == "json":
        document = {
            "start": first.isoformat(),
            "end": last.isoformat(),
            "filters": {k: v for k, v in summary.filter.kwargs().items() if v},
            **summary.metrics.as_dict(),
            **figure_fields(summary.figures),
            "sentence": summary.sentence,
            "paragraph": paragraph,
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        click.echo(paragraph)
