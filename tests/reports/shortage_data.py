"""A small hand-built data set for the shortage index (issue 18 point 6), and what it counts.

2026 Q1: fair F1 (held, 天元区, 2 Feb) and F2 (closed, 醴陵市, industry-chain type, 5 Mar) count;
F3 (planned, March) does not. F4 (held, May) is in Q2. At F1 an approved employer that did not
attend offers 50 openings that must not count.
"""

from datetime import date

from recruit.extensions import db
from recruit.fairs.models import FairPosition, FairStatus, Participation, ParticipationStatus
from recruit.hires.models import Outcome, TentativeHire
from recruit.refdata.codes import FairType
from recruit.seekers.models import Application, ApplicationSource, Seeker

Q1 = {"year": 2026, "quarter": 1}

#: The main table of 2026 Q1 in rank order: key → (openings, applications, intents, hires,
#: ratio text, gap).
Q1_ROWS = {
    "6-04-01-00": (16, 3, 3, 1, "5.33", 13),
    "4": (5, 0, 0, 0, None, 5),
    "4-01-02-03": (4, 1, 1, 1, "4.00", 3),
    "6": (4, 0, 1, 1, "4.00", 3),
    "2-02-07-04": (5, 1, 2, 1, "2.50", 3),
    "3-01-01-00": (1, 0, 2, 0, "0.50", -1),
}
#: The top list (positive gaps), in order.
Q1_TOP = ["6-04-01-00", "4", "4-01-02-03", "6", "2-02-07-04"]
#: By major group: group → (openings, applications, intents, hires).
Q1_GROUPS = {2: (5, 1, 2, 1), 3: (1, 0, 2, 0), 4: (9, 1, 1, 1), 6: (20, 3, 4, 2)}
Q1_TOTAL = (35, 5, 9, 4)
#: What a 醴陵市 organizer sees (fair F2 only).
LILING_ROWS = {
    "6-04-01-00": (6, 1, 1, 0, "6.00", 5),
    "4": (5, 0, 0, 0, None, 5),
    "2-02-07-04": (5, 1, 2, 1, "2.50", 3),
}
LILING_TOTAL = (16, 2, 3, 1)
#: The four quarters of 2026 for the top rows: key → {quarter: (openings, intents)}.
QUARTERS = {
    "6-04-01-00": {1: (16, 3), 2: (7, 2), 3: (0, 0), 4: (0, 0)},
    "4-01-02-03": {1: (4, 1), 2: (1, 1), 3: (0, 0), 4: (0, 0)},
    "4": {1: (5, 0), 2: (0, 0), 3: (0, 0), 4: (0, 0)},
}


def build_shortage_data(make_fair, make_employer, make_position) -> dict:
    """Write the data set; return its fairs and positions by name."""
    e1 = make_employer(region_code="430211")
    e2 = make_employer(region_code="430281")
    e3 = make_employer(region_code="430211")
    p1 = make_position(employer=e1, title="数控车工", occupation_code="6-04-01-00")
    p3 = make_position(employer=e1, title="普工", occupation_major_group=6)
    p2 = make_position(employer=e2, title="车工", occupation_code="6-04-01-00")
    p5 = make_position(
        employer=e2, title="销售代表", occupation_major_group=2, occupation_code="2-02-07-04"
    )
    p4 = make_position(
        employer=e3, title="营业员", occupation_major_group=4, occupation_code="4-01-02-03"
    )
    p6 = make_position(employer=e3, title="保洁", occupation_major_group=4, occupation_code="")
    p7 = make_position(
        employer=e3, title="文员", occupation_major_group=3, occupation_code="3-01-01-00"
    )

    f1 = make_fair(date(2026, 2, 2), status=FairStatus.HELD, region_code="430211")
    f2 = make_fair(
        date(2026, 3, 5),
        status=FairStatus.CLOSED,
        region_code="430281",
        type=FairType.INDUSTRY_CHAIN,
    )
    f3 = make_fair(date(2026, 3, 12), status=FairStatus.PLANNED, region_code="430211")
    f4 = make_fair(date(2026, 5, 10), status=FairStatus.HELD, region_code="430211")

    def take_part(fair, employer, offered, status=ParticipationStatus.ATTENDED):
        part = Participation(fair=fair, employer=employer, status=status)
        db.session.add(part)
        rows = {}
        for position, openings in offered:
            row = FairPosition(position=position, openings=openings)
            part.fair_positions.append(row)
            rows[position.id] = row
        db.session.flush()
        return rows

    at = {}
    at[f1] = {
        **take_part(f1, e1, [(p1, 10), (p3, 4)]),
        **take_part(f1, e3, [(p4, 4), (p7, 1)]),
    }
    take_part(f1, e2, [(p2, 50)], status=ParticipationStatus.APPROVED)
    at[f2] = {**take_part(f2, e2, [(p2, 6), (p5, 5)]), **take_part(f2, e3, [(p6, 5)])}
    at[f3] = take_part(f3, e1, [(p1, 100)])
    at[f4] = {**take_part(f4, e1, [(p1, 7)]), **take_part(f4, e3, [(p4, 1)])}

    seekers = []
    for n, name in enumerate(("王小明", "李四", "赵六")):
        seeker = Seeker(name=name, seeker_phone=f"1397331{n:04d}")
        db.session.add(seeker)
        seekers.append(seeker)
    db.session.flush()
    s1, s2, s3 = seekers

    def apply(fair, position, seeker):
        db.session.add(
            Application(
                fair_id=fair.id,
                position_id=position.id,
                fair_position_id=at[fair][position.id].id,
                employer_id=position.employer_id,
                seeker_id=seeker.id,
                source=ApplicationSource.BOOTH,
            )
        )

    apply(f1, p1, s1)
    apply(f1, p1, s2)
    apply(f1, p4, s3)
    apply(f2, p2, s1)
    apply(f2, p5, s2)
    apply(f3, p1, s1)
    apply(f4, p1, s2)

    def intent(fair, position, outcome=Outcome.INTENT, hired=False, started=False):
        db.session.add(
            TentativeHire(
                fair=fair,
                position=position,
                seeker_name="李海燕",
                seeker_phone="13873310002",
                outcome=outcome,
                hired_on=date(2026, 3, 20) if hired else None,
                started_on=date(2026, 3, 25) if started else None,
            )
        )

    intent(f1, p1)
    intent(f1, p1, Outcome.HIRED, hired=True)
    # Hired, then declined: it reached 录用 all the same.
    intent(f1, p3, Outcome.DECLINED, hired=True)
    intent(f1, p4, Outcome.STARTED, hired=True, started=True)
    intent(f1, p7)
    intent(f1, p7, Outcome.WITHDRAWN)
    intent(f2, p2)
    intent(f2, p5)
    intent(f2, p5, Outcome.HIRED, hired=True)
    intent(f3, p1, Outcome.HIRED, hired=True)
    intent(f4, p1)
    intent(f4, p1)
    intent(f4, p4)
    db.session.flush()
    return {"fairs": (f1, f2, f3, f4)}
