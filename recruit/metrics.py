"""The metrics of DESIGN §2.5 as a type: shared by the fair summary and the reports.

Both domains count the same seven numbers and neither imports the other; what each number
counts is defined on the models (Participation.is_accepted, TentativeHire.reached_hired …).
"""

from dataclasses import asdict, dataclass

METRIC_NAMES = (
    "fairs",
    "employer_attendances",
    "positions_offered",
    "seeker_entries",
    "tentative_hires",
    "hired",
    "started",
)

#: (metric, Chinese label, unit) in the bureau's order.
METRIC_LABELS = {
    "fairs": ("举办招聘会", "场"),
    "employer_attendances": ("进场用工企业", "家次"),
    "positions_offered": ("提供岗位", "个次"),
    "seeker_entries": ("入场求职", "人次"),
    "tentative_hires": ("初步达成就业意向", "人次"),
    "hired": ("录用", "人次"),
    "started": ("到岗", "人次"),
}


@dataclass(frozen=True)
class Metrics:
    fairs: int
    employer_attendances: int
    positions_offered: int
    seeker_entries: int
    tentative_hires: int
    hired: int
    started: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def zero(cls) -> "Metrics":
        return cls(0, 0, 0, 0, 0, 0, 0)
