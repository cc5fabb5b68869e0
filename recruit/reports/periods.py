"""Calendar periods of a report and how the bureau names them."""

from datetime import date

QUARTERS = {1: "一季度", 4: "二季度", 7: "三季度", 10: "四季度"}


def month_end(year: int, month: int) -> date:
    """Return the last day of a month."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def period_words(start: date, end: date) -> str:
    """Name a period the bureau's way: 上半年, 下半年, 一季度, 前三季度, 10月, 1—5月, 全年 …"""
    same_year = start.year == end.year
    whole_months = start.day == 1 and end == month_end(end.year, end.month)
    if same_year and whole_months:
        first, last = start.month, end.month
        if (first, last) == (1, 12):
            return "全年"
        if (first, last) == (1, 6):
            return "上半年"
        if (first, last) == (7, 12):
            return "下半年"
        if first in QUARTERS and last == first + 2:
            return QUARTERS[first]
        if (first, last) == (1, 9):
            return "前三季度"
        if first == last:
            return f"{first}月"
        return f"{first}—{last}月"
    if same_year:
        if start.month == end.month:
            return f"{start.month}月{start.day}日至{end.day}日"
        return f"{start.month}月{start.day}日至{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{end.year}年{end.month}月{end.day}日"
