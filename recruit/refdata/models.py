"""Regions (GB/T 2260) and industry chains."""

from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from recruit.extensions import db


class Region(db.Model):
    """An administrative division; codes change over time, so each carries its validity."""

    __tablename__ = "regions"

    code: so.Mapped[str] = so.mapped_column(sa.String(6), primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(40))
    parent_code: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("regions.code"), index=True)
    valid_from: so.Mapped[date | None]
    valid_to: so.Mapped[date | None]
    #: The code that replaced this one (株洲县 430221 → 渌口区 430212).
    successor_code: so.Mapped[str | None] = so.mapped_column(sa.ForeignKey("regions.code"))

    parent: so.Mapped["Region | None"] = so.relationship(
        remote_side=[code], foreign_keys=[parent_code]
    )

    @property
    def is_current(self) -> bool:
        return self.valid_to is None or self.valid_to > date.today()

    def __repr__(self) -> str:
        return f"<Region {self.code} {self.name}>"


class IndustryChain(db.Model):
    """One of the city's industry chains (产业链) and the GB/T 4754 classes it covers."""

    __tablename__ = "industry_chains"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    #: GB/T 4754 four-digit classes, e.g. ["3071", …, "3079"] for 陶瓷.
    industry_classes: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    active: so.Mapped[bool] = so.mapped_column(default=True)
    sort_order: so.Mapped[int] = so.mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<IndustryChain {self.code} {self.name}>"
