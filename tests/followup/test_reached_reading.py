"""Issue 18 point 1 on the report page: 录用 counts what an intent reached; the list shows the
last word; the page says which reading it shows."""

from datetime import timedelta
from html import unescape

from recruit.auth.models import Role
from recruit.formatting import local_today, to_local
from recruit.hires.models import StepKind
from recruit.hires.steps import record_step


def test_hired_then_declined_still_counts_as_hired_and_the_page_says_so(
    client, login_as, make_user, make_intent, staff
):
    hire = make_intent(fair_days_ago=20)
    day = to_local(hire.fair.starts_at).date()
    record_step(hire, StepKind.HIRED, day + timedelta(days=2), by=staff)
    record_step(hire, StepKind.DECLINED, day + timedelta(days=5), by=staff)
    login_as(make_user(Role.VIEWER))
    period = {"preset": "custom", "start": day.isoformat(), "end": local_today().isoformat()}
    page = unescape(client.get("/reports/", query_string=period).get_data(as_text=True))
    assert "录用、到岗按“曾达到”口径统计" in page
    rows = client.get("/reports/rows/intents", query_string={**period, "step": "hired"}).get_data(
        as_text=True
    )
    # Counted under 录用, listed with its last word.
    assert "合计 <strong>1</strong>" in rows
    row = rows[rows.index(hire.position.title) :]
    assert "<td>未录用</td>" in row[: row.index("</tr>")]
