"""The pydantic shapes of the self-assessment's answers (service/assess.py returns them as plain dicts;
these are the API's response models and, through OpenAPI, the web app's types)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class CriterionSource(BaseModel):
    doc: str
    clause: str
    text: str = Field(description="The rule's wording as published.")
    checked: list[str] = Field(description="Public copies of the text the numbers were checked against.")


class CriterionOut(BaseModel):
    id: str
    name: str
    name_en: str
    level: str = Field(description="专精特新 (provincial) or 小巨人 (national).")
    level_en: str
    category: str
    category_en: str
    unit: str = Field(description="元, ratio (a fraction), bool (1 yes / 0 no), 项, 年, 分 ...")
    op: str
    value: float | None = Field(description="The company's value; null when the data or an answer is missing.")
    threshold: float | None
    met: bool | None = Field(description="null: unknown (an input is missing) or not applicable.")
    applicable: bool | None = Field(description="false: another revenue band's rule applies instead.")
    via_alternative: bool = Field(description="Met through another route the rules allow (e.g. 创新直通).")
    gap: float | None = Field(description="How far the value is from the threshold, in gap_unit.")
    gap_unit: str | None
    gap_text: str | None
    gap_text_en: str | None
    asks: list[str] = Field(description="The stored answers this criterion reads.")
    needs: list[str] = Field(description="Unanswered items that could settle an unknown result.")
    no_data: list[str] = Field(description="Facts the data could not give (e.g. a year without sales).")
    inputs: dict[str, float | bool | None]
    formula: str
    alternative: str | None
    applies_if: str | None
    source: CriterionSource


class ShortOf(BaseModel):
    id: str
    name: str
    name_en: str
    gap_text: str | None
    gap_text_en: str | None


class LevelSummary(BaseModel):
    level: str
    level_en: str
    met: int
    not_met: int
    unknown: int
    not_applicable: int
    total: int
    verdict: str = Field(description="met, not_met or incomplete.")
    verdict_text: str
    verdict_text_en: str
    short: list[ShortOf] = Field(description="Criteria short of their threshold (the gap), most useful first.")
    to_answer: list[str] = Field(description="Answers still missing for the criteria that are unknown.")


class Summary(BaseModel):
    levels: list[LevelSummary]


class FactOut(BaseModel):
    name: str
    label: str
    label_en: str
    year: int | None
    as_of: str | None
    value: float | None


class QuestionOut(BaseModel):
    key: str
    type: str = Field(description="number, integer, fraction, boolean or list.")
    label: str
    label_en: str
    unit: str | None
    min: float | None
    max: float | None
    value: Any = None
    updated_at: str | None
    updated_by: str | None


class FactNote(BaseModel):
    fact: str
    code: str
    zh: str
    en: str


class AssessOut(BaseModel):
    criteria: list[CriterionOut]
    summary: Summary
    year: int = Field(description="The assessment year; the criteria read the years before it.")
    years: list[int]
    model: str
    document: str
    document_en: str
    rules_version: int
    main_business: list[str]
    main_business_from: str = Field(description="answer, rules, all (every member) or none (the model lacks the field).")
    ip_related_tech_fields: list[str]
    facts: list[FactOut]
    questions: list[QuestionOut]
    notes: list[FactNote]


class AnswersOut(BaseModel):
    model: str
    answers: dict[str, Any]
    questions: list[QuestionOut]
