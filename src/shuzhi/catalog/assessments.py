"""Self-assessment answers (revision 0017_assessment_answers): what a person states for the 专精特新
criteria the data cannot show (years in the niche, employees, an R&D institution, ...), per model.

    answers(s, model)                      {key: value} of that model
    save_answers(s, model, values, actor)  upsert; a None value removes the answer (audited)

Invariants
- The catalog stores; it does not judge: values arrive typed and range-checked
  (shuzhi.ai.innovation.assess_rules.coerce_answer) and keys are checked there too.
- Answers describe the company as it is now; an assessment of an earlier year reads the same answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from shuzhi.catalog.audit import append
from shuzhi.catalog.models import Base, UTCDateTime, utcnow


class AssessmentAnswer(Base):
    __tablename__ = "assessment_answers"

    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64))


def answers(s: Session, model: str) -> dict[str, Any]:
    return {r.key: r.value for r in s.scalars(select(AssessmentAnswer).where(AssessmentAnswer.model == model))}


def answer_times(s: Session, model: str) -> dict[str, dict[str, Any]]:
    """{key: {"updated_at", "updated_by"}}: who stated each answer, and when."""
    rows = s.scalars(select(AssessmentAnswer).where(AssessmentAnswer.model == model))
    return {r.key: {"updated_at": r.updated_at.isoformat(), "updated_by": r.updated_by} for r in rows}


def save_answers(s: Session, model: str, values: dict[str, Any], actor: str | None) -> None:
    for key, value in values.items():
        if value is None:
            s.execute(delete(AssessmentAnswer).where(AssessmentAnswer.model == model, AssessmentAnswer.key == key))
            continue
        rec = s.get(AssessmentAnswer, (model, key))
        if rec is None:
            s.add(AssessmentAnswer(model=model, key=key, value=value, updated_by=actor))
        else:
            rec.value, rec.updated_at, rec.updated_by = value, utcnow(), actor
    append(s, "assess.answers", actor=actor, target=model, detail=values)
