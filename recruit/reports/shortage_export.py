"""The shortage index as an .xlsx workbook (TypedBook: numbers as numbers, text formula-safe)."""

from recruit.refdata.codes import OCCUPATION_MAJOR_GROUPS
from recruit.reports.exports import STYLES, period_text, scope_words
from recruit.reports.shortage import KINDS, ShortageIndex, ShortageRow, quarter_name
from recruit.spreadsheets import TypedBook, build_workbook

#: The columns of every table after the occupation's own.
FIGURE_HEADER = [f"{label}（{unit}）" for label, unit in KINDS.values()] + [
    "求人倍率（岗位/意向）",
    "缺口（岗位−意向）",
]
ROW_HEADER = ["排名", "职业编码", "职业大类", "层级", *FIGURE_HEADER]
LEVEL_WORDS = {"full": "细类编码", "major": "大类（未填细类编码）", "group": "大类合计"}

NOTES = [
    "统计口径：已举办、已结束的招聘会，按举办开始日期（北京时间）落在本季度内；地区、类型、方式、产业链筛选同统计报表。",
    "提供岗位：已进场企业在这些招聘会上提供的岗位数之和；投递：这些招聘会上对该职业岗位的投递条数；"
    "初步就业意向：就业意向登记条数；录用：其中达到录用的条数（之后放弃或离职仍计）。",
    "求人倍率 = 提供岗位 ÷ 初步就业意向（两位小数，无意向时为“—”）；"
    "缺口 = 提供岗位 − 初步就业意向。",
    "紧缺工种：缺口大于 0 的职业按缺口从大到小排列"
    "（缺口相同按求人倍率从高到低、再按编码），取前 20 个。",
    "职业按岗位所填职业分类大典（2022）细类编码统计，未填细类编码的按职业大类统计；"
    "细类名称未收录，显示其大类名称。",
]


def _ratio(value):
    return "—" if value is None else float(value)


def row_cells(row: ShortageRow) -> list:
    """Return a row's cells: rank, code, major group, level, the figures, ratio and gap."""
    occupation = row.occupation
    return [
        row.rank,
        occupation.key,
        OCCUPATION_MAJOR_GROUPS[occupation.group],
        LEVEL_WORDS[occupation.level],
        *row.figures().values(),
        _ratio(row.ratio),
        row.gap,
    ]


def build_shortage_xlsx(index: ShortageIndex) -> bytes:
    """Write the workbook: 紧缺工种前20, 按职业, 按职业大类, 说明."""
    return build_workbook(lambda book: _fill(book, index), styles=STYLES)


def _fill(book: TypedBook, index: ShortageIndex) -> None:
    def heading(sheet, title):
        sheet.sheet.write_string(0, 0, title, book.format("title"))
        sheet.write(1, 0, "统计时段")
        sheet.write(1, 1, f"{index.name}（{period_text(index.filter)}）")
        sheet.write(2, 0, "统计范围")
        sheet.write(2, 1, scope_words(index.filter))

    top = book.add_sheet("紧缺工种前20")
    heading(top, f"株洲市招聘会紧缺工种（{index.name}）")
    quarters = [quarter_name(index.year, q) for q in (1, 2, 3, 4)]
    header = [*ROW_HEADER]
    if index.quarters:
        header += [f"{name}{what}" for name in quarters for what in ("岗位", "意向", "倍率")]
    top.write_row(4, header, "header")
    for r, row in enumerate(index.top, start=5):
        cells = row_cells(row)
        cells_by_quarter = index.quarters.get(row.occupation.key, {})
        for q in (1, 2, 3, 4) if index.quarters else ():
            cell = cells_by_quarter.get(q)
            cells += [cell.openings, cell.intents, _ratio(cell.ratio)] if cell else [0, 0, "—"]
        top.write_row(r, cells, "cell")

    every = book.add_sheet("按职业")
    heading(every, f"各职业供求（{index.name}）")
    every.write_row(4, ROW_HEADER, "header")
    r = 4
    for r, row in enumerate(index.rows, start=5):
        every.write_row(r, row_cells(row), "cell")
    every.write_row(r + 1, _total_cells(index.totals), "header")

    groups = book.add_sheet("按职业大类")
    heading(groups, f"各职业大类供求（{index.name}）")
    groups.write_row(4, ["大类", "职业大类", *FIGURE_HEADER], "header")
    r = 4
    for r, row in enumerate(index.groups, start=5):
        cells = row_cells(row)
        groups.write_row(r, [row.occupation.group, cells[2], *cells[4:]], "cell")
    groups.write_row(r + 1, ["", *_total_cells(index.totals)[3:]], "header")

    notes = book.add_sheet("说明")
    for r, text in enumerate(NOTES):
        notes.write(r, 0, text)


def _total_cells(totals: ShortageRow) -> list:
    return ["", "", "", "合计", *totals.figures().values(), _ratio(totals.ratio), totals.gap]
