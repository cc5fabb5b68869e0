"""Formatting for people: local times and the bureau's way of writing numbers."""

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def to_local(value: datetime) -> datetime:
    """Return an aware datetime in Asia/Shanghai."""
    return value.astimezone(LOCAL_TZ)


def local_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a UTC timestamp as local time; empty for None."""
    return "" if value is None else to_local(value).strftime(fmt)


def local_date(value: datetime | date | None) -> str:
    """Format a timestamp or date as a local date, e.g. 2026年3月5日."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def bureau_number(value: int) -> str:
    """Write a count the bureau's way: 2307, 19.17万, 11.1万, 3.2万.

    Below 10,000 as an integer; from 10,000 in 万 with at most two decimals, rounded half up,
    trailing zeros dropped.
    """
    if abs(value) < 10_000:
        return str(value)
    wan = (Decimal(value) / 10_000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = format(wan, "f").rstrip("0").rstrip(".")
    return f"{text}万"


def local_today() -> date:
    """Return today's date in Asia/Shanghai, whatever the machine's zone."""
    return datetime.now(LOCAL_TZ).date()


#: The years the product deals in: fairs, reports and the calendar keep to them (the services
#: refuse others), filters clamp to them; no fair was held before, and the ends of the calendar
#: do not survive conversion to UTC.
FIRST_YEAR = 1900
LAST_YEAR = 2100
EARLIEST_DAY = date(FIRST_YEAR, 1, 1)
LATEST_DAY = date(LAST_YEAR, 12, 31)


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Return the aware instants of local midnight on start and on the day after end."""
    start = min(max(start, EARLIEST_DAY), LATEST_DAY)
    end = min(max(end, EARLIEST_DAY), LATEST_DAY)
    begin = datetime.combine(start, time.min, LOCAL_TZ)
    stop = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ)
    return begin, stop


def local_span(start: datetime, end: datetime) -> str:
    """Format a time span in local time, naming the end's date only when it differs."""
    first, last = to_local(start), to_local(end)
    if first.date() == last.date():
        return f"{first:%Y-%m-%d %H:%M}–{last:%H:%M}"
    return f"{first:%Y-%m-%d %H:%M} 至 {last:%Y-%m-%d %H:%M}"
