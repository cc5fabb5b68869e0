"""The shortage index (紧缺工种, issue 18 point 6): demand and take-up per occupation and quarter.

Per occupation (职业分类大典: the full code where a position carries one, else its major group)
and quarter, over the fairs that count (DESIGN §2.5, `counted_fairs`, the report's filters and
the actor's region scope):

- openings (提供岗位个次): FairPosition openings over attended participations;
- applications (投递人次): Application rows at those fairs for positions of the occupation;
- intents (初步就业意向人次): TentativeHire rows; hires (录用): intents that reached 录用;
- ratio (求人倍率) = openings / intents, two decimals (None without intents);
  gap (缺口) = openings − intents.

The rows are ranked by gap (largest first), ties by ratio (no intents first, then the higher
ratio), then code; the top list is the first TOP rows with a positive gap, the way the national
最缺工 list is read. Each figure is one SQL aggregate grouped by occupation; the drill-down
selects list the rows behind each number.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import sqlalchemy as sa

from recruit.employers.models import Employer
from recruit.errors import Invalid
from recruit.extensions import db
from recruit.fairs.models import Fair, FairPosition, Participation
from recruit.formatting import FIRST_YEAR, LAST_YEAR, local_today
from recruit.hires.models import TentativeHire
from recruit.positions.models import Position
from recruit.refdata.codes import OCCUPATION_MAJOR_GROUPS
from recruit.reports.drilldown import Page, page_of
from recruit.reports.metrics import (
    ReportFilter,
    attended_at,
    counted_fairs,
    local_month,
    reached_step,
    use_custom_plans,
)
from recruit.reports.periods import QUARTERS, month_end
from recruit.reports.scope import scoped_filter
from recruit.seekers.models import Application

#: How many occupations the shortage list shows (the national 最缺工 list has a hundred).
TOP = 20

#: The figures of a row, in the order the page, the workbook and the API show them.
FIGURES = ("openings", "applications", "intents", "hires")

#: Each figure's drill-down: its title and unit.
KINDS = {
    "openings": ("提供岗位", "个次"),
    "applications": ("投递", "人次"),
    "intents": ("初步就业意向", "人次"),
    "hires": ("录用", "人次"),
}

#: The levels of an occupation row: a full code, a major group's positions without a full
#: code, or (the table by major group) all of a major group's positions.
LEVELS = ("full", "major", "group")

FULL_CODE = re.compile(r"^[1-8]-\d{2}-\d{2}-\d{2}$")


# --- the period -------------------------------------------------------------------------------


def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    """Return the first and last local day of a quarter."""
    first = 3 * (quarter - 1) + 1
    return date(year, first, 1), month_end(year, first + 2)


def last_complete_quarter(today: date) -> tuple[int, int]:
    """Return (year, quarter) of the last quarter that has ended before today's."""
    current = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if current == 1 else (today.year, current - 1)


def asked_quarter(year: int | None, quarter: int | None) -> tuple[int, int]:
    """Return the quarter asked for; the last complete one when neither part is given, the
    current year when only the quarter is, the year's first quarter when only the year is."""
    if year is None and quarter is None:
        return last_complete_quarter(local_today())
    return (local_today().year if year is None else year), (1 if quarter is None else quarter)


def quarter_name(year: int, quarter: int) -> str:
    """Name a quarter the bureau's way: 2026年一季度."""
    return f"{year}年{QUARTERS[3 * (quarter - 1) + 1]}"


def check_quarter(year: int, quarter: int) -> None:
    """Refuse (Invalid) a year outside the years fairs are held in, or a quarter not 1–4."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(f"年份：应在 {FIRST_YEAR}–{LAST_YEAR} 之间。", field="year")
    if quarter not in (1, 2, 3, 4):
        raise Invalid("季度：应为 1–4。", field="quarter")


# --- occupations and rows ---------------------------------------------------------------------


@dataclass(frozen=True)
class Occupation:
    """What a row counts: a full code, a major group's uncoded positions, or a whole group."""

    level: str
    group: int
    code: str | None = None

    @property
    def key(self) -> str:
        return self.code or str(self.group)

    @property
    def group_name(self) -> str:
        return OCCUPATION_MAJOR_GROUPS[self.group]

    @property
    def name(self) -> str:
        """The row's name: the major group's (no list of full-code names is kept)."""
        if self.level == "major":
            return f"{self.group_name}（未填细类编码）"
        return self.group_name

    def narrow(self) -> dict[str, str]:
        """Return the drill-down arguments that select this occupation's rows."""
        return {"level": self.level, "code": self.key}

    def condition(self) -> sa.ColumnElement[bool]:
        """Return the condition on Position of the positions this occupation counts."""
        group = Position.occupation_major_group == self.group
        if self.level == "full":
            return sa.and_(group, Position.occupation_code == self.code)
        if self.level == "major":
            return sa.and_(group, sa.func.coalesce(Position.occupation_code, "") == "")
        return group


def occupation_of(level: str | None, code: str | None) -> Occupation | None:
    """Read a drill-down's occupation (level + code); None (no level, no code) is every row.

    Raises Invalid (field level or code) for anything else than a known level and its code.
    """
    level, code = (level or "").strip(), (code or "").strip()
    if not level and not code:
        return None
    if level not in LEVELS:
        raise Invalid("职业层级：应为 full、major 或 group。", field="level")
    if level == "full":
        if not FULL_CODE.match(code):
            raise Invalid("职业编码：格式应为 X-XX-XX-XX（职业分类大典 2022）。", field="code")
        return Occupation(level, int(code[0]), code)
    if not code.isdigit() or int(code) not in OCCUPATION_MAJOR_GROUPS:
        raise Invalid("职业大类：应为 1–8。", field="code")
    return Occupation(level, int(code))


def _ratio(openings: int, intents: int) -> Decimal | None:
    if intents == 0:
        return None
    return (Decimal(openings) / Decimal(intents)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ShortageRow:
    #: None for the totals row.
    occupation: Occupation | None
    openings: int
    applications: int
    intents: int
    hires: int
    #: 1 = the largest gap, over all rows of the main table (None in the other tables).
    rank: int | None = None

    @property
    def ratio(self) -> Decimal | None:
        """Openings per intent (求人倍率), two decimals half up; None without intents."""
        return _ratio(self.openings, self.intents)

    @property
    def gap(self) -> int:
        return self.openings - self.intents

    def figures(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in FIGURES}

    def sort_key(self):
        """Largest gap first, then no intents, then the higher exact ratio, then code."""
        exact = Fraction(self.openings, self.intents) if self.intents else None
        code = self.occupation.key if self.occupation else ""
        return (-self.gap, exact is not None, -(exact or 0), code)


@dataclass(frozen=True)
class QuarterCell:
    openings: int
    intents: int

    @property
    def ratio(self) -> Decimal | None:
        return _ratio(self.openings, self.intents)

    @property
    def gap(self) -> int:
        return self.openings - self.intents


@dataclass
class ShortageIndex:
    filter: ReportFilter
    year: int
    quarter: int
    #: The main table: full codes, and major groups for positions without one, ranked.
    rows: list[ShortageRow]
    #: The table by major group (all positions of each group), in group order.
    groups: list[ShortageRow]
    totals: ShortageRow
    #: The first TOP ranked rows with a positive gap.
    top: list[ShortageRow]
    #: Occupation key of each top row → its four quarters of the year (1–4).
    quarters: dict[str, dict[int, QuarterCell]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return quarter_name(self.year, self.quarter)


# --- the aggregates ---------------------------------------------------------------------------


def _demand(report: ReportFilter, by_month: bool = False) -> sa.CTE:
    """Select per position occupation (and local month) openings, applications, intents and
    hires over the counted fairs: one grouped aggregate per figure, in one union."""
    counted = counted_fairs(report.start, report.end, **report.kwargs())
    group = Position.occupation_major_group.label("g")
    code = sa.func.nullif(Position.occupation_code, "").label("c")
    zero = sa.literal(0)
    one = sa.literal(1)

    keys = [group, code]
    if by_month:
        keys.append(local_month(Fair.starts_at).label("m"))

    def select(*figures):
        return sa.select(*keys, *figures), keys

    offered, keys = select(
        sa.func.sum(FairPosition.openings).label("openings"),
        zero.label("applications"),
        zero.label("intents"),
        zero.label("hires"),
    )
    offered = (
        offered.select_from(FairPosition)
        .join(Participation, FairPosition.participation_id == Participation.id)
        .join(Position, FairPosition.position_id == Position.id)
        .where(attended_at(counted))
    )
    if by_month:
        offered = offered.join(Fair, Participation.fair_id == Fair.id)
    offered = offered.group_by(*keys)

    applied, keys = select(
        zero.label("openings"),
        sa.func.count(Application.id).label("applications"),
        zero.label("intents"),
        zero.label("hires"),
    )
    applied = (
        applied.select_from(Application)
        .join(Position, Application.position_id == Position.id)
        .where(Application.fair_id.in_(counted))
    )
    if by_month:
        applied = applied.join(Fair, Application.fair_id == Fair.id)
    applied = applied.group_by(*keys)

    wanted, keys = select(
        zero.label("openings"),
        zero.label("applications"),
        sa.func.count(TentativeHire.id).label("intents"),
        sa.func.sum(sa.case((reached_step("hired"), one), else_=zero)).label("hires"),
    )
    wanted = (
        wanted.select_from(TentativeHire)
        .join(Position, TentativeHire.position_id == Position.id)
        .where(TentativeHire.fair_id.in_(counted))
    )
    if by_month:
        wanted = wanted.join(Fair, TentativeHire.fair_id == Fair.id)
    wanted = wanted.group_by(*keys)
    return sa.union_all(offered, applied, wanted).cte("demand")


def _sums(demand: sa.CTE) -> list:
    return [sa.func.coalesce(sa.func.sum(demand.c[name]), 0).label(name) for name in FIGURES]


def _tables(report: ReportFilter) -> tuple[list[ShortageRow], list[ShortageRow], ShortageRow]:
    """Return the rows by occupation, the rows by major group and the totals (one statement)."""
    demand = _demand(report)
    no_code = sa.cast(sa.null(), sa.String)
    no_group = sa.cast(sa.null(), sa.Integer)
    statement = sa.union_all(
        sa.select(sa.literal("row").label("kind"), demand.c.g, demand.c.c, *_sums(demand)).group_by(
            demand.c.g, demand.c.c
        ),
        sa.select(sa.literal("group"), demand.c.g, no_code, *_sums(demand)).group_by(demand.c.g),
        sa.select(sa.literal("total"), no_group, no_code, *_sums(demand)),
    )
    rows, groups = [], []
    totals = ShortageRow(None, 0, 0, 0, 0)
    for kind, group, code, *values in db.session.execute(statement).all():
        figures = [int(value or 0) for value in values]
        if kind == "total":
            totals = ShortageRow(None, *figures)
        elif kind == "group":
            groups.append(ShortageRow(Occupation("group", int(group)), *figures))
        else:
            level = "full" if code else "major"
            rows.append(ShortageRow(Occupation(level, int(group), code), *figures))
    ranked = [
        ShortageRow(row.occupation, *row.figures().values(), rank=n)
        for n, row in enumerate(sorted(rows, key=ShortageRow.sort_key), start=1)
    ]
    groups.sort(key=lambda row: row.occupation.group)
    return ranked, groups, totals


def _quarters(report: ReportFilter, year: int, keys: set[tuple]) -> dict[str, dict]:
    """Return, for the given (group, code) rows, openings and intents in each quarter of the
    year (one statement grouped by occupation and local month)."""
    whole = report.replace(start=date(year, 1, 1), end=date(year, 12, 31))
    demand = _demand(whole, by_month=True)
    statement = sa.select(
        demand.c.g,
        demand.c.c,
        demand.c.m,
        sa.func.coalesce(sa.func.sum(demand.c.openings), 0),
        sa.func.coalesce(sa.func.sum(demand.c.intents), 0),
    ).group_by(demand.c.g, demand.c.c, demand.c.m)
    sums: dict[tuple, dict[int, list[int]]] = {}
    for group, code, month, openings, intents in db.session.execute(statement).all():
        if (int(group), code) not in keys:
            continue
        quarter = (int(month[5:7]) - 1) // 3 + 1
        cell = sums.setdefault((int(group), code), {}).setdefault(quarter, [0, 0])
        cell[0] += int(openings)
        cell[1] += int(intents)
    return {
        code or str(group): {
            q: QuarterCell(*sums.get((group, code), {}).get(q, [0, 0])) for q in (1, 2, 3, 4)
        }
        for group, code in keys
    }


def quarter_filter(
    year: int | None, quarter: int | None, filters: dict | None = None
) -> ReportFilter:
    """Return the report filter of a quarter with the report's other filters.

    Without a year and a quarter: the last complete quarter (local today).
    """
    year, quarter = asked_quarter(year, quarter)
    check_quarter(year, quarter)
    start, end = quarter_period(year, quarter)
    return ReportFilter(start, end, **{k: v for k, v in (filters or {}).items() if v})


def shortage_index(
    actor,
    year: int | None,
    quarter: int | None,
    filters: dict | None = None,
    *,
    by_quarter: bool = True,
) -> ShortageIndex:
    """Return the shortage index of a quarter in the actor's scope (Invalid, Forbidden).

    filters: region, fair_type, mode, industry_chain (as the reports take them).
    by_quarter: also count the four quarters of the year for the top rows.
    """
    year, quarter = asked_quarter(year, quarter)
    report = scoped_filter(actor, quarter_filter(year, quarter, filters))
    use_custom_plans()
    rows, groups, totals = _tables(report)
    top = [row for row in rows if row.gap > 0][:TOP]
    index = ShortageIndex(report, year, quarter, rows, groups, totals, top)
    if by_quarter and top:
        keys = {(row.occupation.group, row.occupation.code) for row in top}
        index.quarters = _quarters(report, year, keys)
    return index


# --- drill-down -------------------------------------------------------------------------------


def shortage_rows_select(report: ReportFilter, kind: str, occupation: Occupation | None):
    """Select the rows a figure counts (no personal data): the fair positions behind the
    openings, the applications, the intents or the intents that reached 录用."""
    counted = counted_fairs(report.start, report.end, **report.kwargs())
    common = [
        Fair.title.label("fair_title"),
        Fair.starts_at,
        Employer.name.label("employer_name"),
        Position.title.label("position_title"),
        Position.occupation_major_group,
        Position.occupation_code,
    ]
    if kind == "openings":
        query = (
            sa.select(FairPosition.id, *common, FairPosition.openings)
            .select_from(FairPosition)
            .join(Participation, FairPosition.participation_id == Participation.id)
            .join(Fair, Participation.fair_id == Fair.id)
            .join(Employer, Participation.employer_id == Employer.id)
            .join(Position, FairPosition.position_id == Position.id)
            .where(attended_at(counted))
            .order_by(Fair.starts_at, Fair.id, FairPosition.id)
        )
    elif kind == "applications":
        query = (
            sa.select(
                Application.id,
                *common,
                Application.source,
                Application.state,
                Application.created_at,
            )
            .select_from(Application)
            .join(Fair, Application.fair_id == Fair.id)
            .join(Position, Application.position_id == Position.id)
            .join(Employer, Position.employer_id == Employer.id)
            .where(Application.fair_id.in_(counted))
            .order_by(Fair.starts_at, Fair.id, Application.created_at, Application.id)
        )
    elif kind in ("intents", "hires"):
        query = (
            sa.select(
                TentativeHire.id,
                *common,
                TentativeHire.source,
                TentativeHire.outcome,
                TentativeHire.hired_on,
                TentativeHire.started_on,
            )
            .select_from(TentativeHire)
            .join(Fair, TentativeHire.fair_id == Fair.id)
            .join(Position, TentativeHire.position_id == Position.id)
            .join(Employer, Position.employer_id == Employer.id)
            .where(TentativeHire.fair_id.in_(counted))
            .order_by(Fair.starts_at, Fair.id, TentativeHire.id)
        )
        if kind == "hires":
            query = query.where(reached_step("hired"))
    else:
        raise Invalid("明细类型无效。", field="kind")
    if occupation is not None:
        query = query.where(occupation.condition())
    return query


def rows_total(query: sa.Select, kind: str) -> int:
    """Add up the listed rows the way the figure counts them (openings summed, else rows)."""
    rows = query.order_by(None).subquery()
    total = sa.func.count()
    if kind == "openings":
        total = sa.func.coalesce(sa.func.sum(rows.c.openings), 0)
    return int(db.session.scalar(sa.select(total).select_from(rows)))


@dataclass(frozen=True)
class ShortageRows:
    filter: ReportFilter
    year: int
    quarter: int
    occupation: Occupation | None
    rows: Page
    #: The figure the rows add up to.
    total: int


def shortage_rows(
    actor,
    year: int | None,
    quarter: int | None,
    filters: dict | None,
    kind: str,
    occupation: Occupation | None = None,
    *,
    page: int = 1,
    per_page: int = 50,
) -> ShortageRows:
    """Return one page of the rows behind a figure of the shortage index, and their total."""
    year, quarter = asked_quarter(year, quarter)
    report = scoped_filter(actor, quarter_filter(year, quarter, filters))
    query = shortage_rows_select(report, kind, occupation)
    return ShortageRows(
        report, year, quarter, occupation, page_of(query, page, per_page), rows_total(query, kind)
    )
