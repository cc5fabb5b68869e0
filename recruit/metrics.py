"""The metrics of DESIGN §2.5 as a type: shared by the fair summary and the reports.

Both domains count the same seven numbers and neither imports the other; what each number
counts is defined on the models (Participation.is_accepted, TentativeHire.reached_hired …).
The figures of DESIGN §7 (seekers taking part, intents by source, intents that lasted) and the
follow-up funnel's steps are named here too, beside them.
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


# --- seekers taking part and the follow-up (DESIGN §7) ---------------------------------------

#: The figures beside the seven, in the order the report shows them.
FIGURE_NAMES = (
    "distinct_seekers",
    "applications",
    "intents_typed",
    "intents_imported",
    "intents_booth",
    "intents_online",
    "retained_90",
    "retained_180",
)

FIGURE_LABELS = {
    "distinct_seekers": ("入场求职人数", "人"),
    "applications": ("投递", "人次"),
    "intents_typed": ("现场登记的意向", "人次"),
    "intents_imported": ("导入的意向（表格、接口）", "人次"),
    "intents_booth": ("扫码投递达成的意向", "人次"),
    "intents_online": ("在线投递达成的意向", "人次"),
    "retained_90": ("稳定就业90天", "人次"),
    "retained_180": ("稳定就业180天", "人次"),
}

#: Intents by source (DESIGN §7): figure → the API's key.
INTENT_SOURCE_FIGURES = {
    "intents_typed": "typed",
    "intents_imported": "imported",
    "intents_booth": "booth",
    "intents_online": "online",
}


@dataclass(frozen=True)
class Figures:
    """Seekers who took part themselves, intents by source and intents that lasted."""

    distinct_seekers: int
    applications: int
    intents_typed: int
    intents_imported: int
    intents_booth: int
    intents_online: int
    retained_90: int
    retained_180: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def intents_by_source(self) -> dict[str, int]:
        """Return the intents by source under the API's keys (typed, imported, booth, online)."""
        return {key: getattr(self, name) for name, key in INTENT_SOURCE_FIGURES.items()}

    @classmethod
    def zero(cls) -> "Figures":
        return cls(0, 0, 0, 0, 0, 0, 0, 0)


#: The funnel's steps (issue 16): each one's share of the intents.
FUNNEL_STEPS = {
    "tentative_hires": "意向",
    "hired": "录用",
    "started": "到岗",
    "retained_90": "稳定就业90天",
    "retained_180": "稳定就业180天",
}
