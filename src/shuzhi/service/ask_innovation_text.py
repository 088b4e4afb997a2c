"""The small table and the summary of an innovation answer (service/ask_innovation.py), in the question's
language, from an analysis's plain dict (the CLI's JSON of `shuzhi rd hotspots | whitespace | allocate` and
`shuzhi assess`).

Each function: (data, args, lang) → (columns, rows, total, summary). Columns are {"name", "label", "label_en",
"format"} with format text, currency, percent, integer, number or bool; rows are lists in column order.

Invariants: every number said is one of the analysis's (a sum of its chosen candidates at most); an optional
key the analysis does not give is left out, never made up; the keys read beyond the shared contract
(docs/innovation.md: topic, terms, subfield, id, name, score, cost, headcount, chosen, name, value,
threshold, met) are read with .get.
"""

from __future__ import annotations

from typing import Any

from shuzhi.results.format import format_value

Table = tuple[list[dict[str, Any]], list[list[Any]], int, str]
# optional evidence of a topic or a sub-field, when the analysis gives it: name → (zh, en, format, key path)
_EVIDENCE = {"growth": ("增长", "growth", "percent", ("growth",)),
             "recent": ("近12个月申请", "filed, last 12 months", "integer", ("recent",)),
             "company_patents": ("我们的专利", "our patents", "integer", ("company", "patents")),
             "company_share": ("我们的占比", "our share", "percent", ("company", "share"))}
_LEVEL = {"小巨人": ("「小巨人」", "little giant"), "专精特新": ("专精特新", "专精特新 (specialized and sophisticated)")}


def _col(name: str, zh: str, en: str, fmt: str = "text") -> dict[str, Any]:
    return {"name": name, "label": zh, "label_en": en, "format": fmt}


def _n(v: Any, fmt: str, lang: str) -> str:
    return format_value(v, fmt, lang, style="sentence")


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def _get(i: dict[str, Any], path: tuple[str, ...]) -> float | None:
    v: Any = i
    for k in path:
        v = v.get(k) if isinstance(v, dict) else None
    return _num(v)


def _topics(items: list[dict[str, Any]], label: str, lang: str) -> tuple[list[dict[str, Any]], list[list[Any]]]:
    """A topic or sub-field per row: its label, its first terms, and the evidence the analysis gives."""
    evidence = [k for k, e in _EVIDENCE.items() if any(_get(i, e[3]) is not None for i in items)]
    cols = [_col(label, *(("技术方向", "topic") if label == "topic" else ("细分领域", "sub-field"))),
            _col("terms", "关键词", "terms")]
    if any(i.get("tech_field") for i in items):
        cols.insert(1, _col("tech_field", "技术领域", "tech field"))
    cols += [_col(k, *_EVIDENCE[k][:3]) for k in evidence]
    rows = []
    for i in items:
        row: list[Any] = [str(i.get(label) or "")]
        if cols[1]["name"] == "tech_field":
            row.append(i.get("tech_field"))
        row.append(_join([str(t) for t in (i.get("terms") or [])[:5]], lang))
        row += [_get(i, _EVIDENCE[k][3]) for k in evidence]
        rows.append(row)
    return cols, rows


def _growth(i: dict[str, Any], lang: str) -> str:
    """+320% (growth is a fraction: the topic's share of the industry's applications, recent against before)."""
    g = _num(i.get("growth"))
    return "" if g is None else f"（{g:+.0%}）" if lang == "zh" else f" ({g:+.0%})"


def hotspots(data: dict[str, Any], args: dict[str, Any], lang: str) -> Table:
    falling = args.get("direction") == "falling"
    items = list(data.get("falling" if falling else "rising") or [])
    cols, rows = _topics(items, "topic", lang)
    where = args.get("field")
    named = [f"{i.get('topic')}{_growth(i, lang)}" for i in items[:3]]
    absent = [str(i.get("topic")) for i in items[:3] if _get(i, ("company", "patents")) == 0]
    if lang == "zh":
        head = f"{where}领域" if where else ""
        what = "降温最明显的技术方向" if falling else "升温最快的技术方向"
        text = f"{head}{what}：{_join(named, lang)}。" if named else f"{head}没有明显{'降温' if falling else '升温'}的技术方向。"
        text += f"其中我们还没有专利的：{_join(absent, lang)}。" if absent and not falling else ""
    else:
        head = f" in {where}" if where else ""
        what = "Topics cooling the most" if falling else "Fastest-rising technology topics"
        text = f"{what}{head}: {_join(named, lang)}." if named else f"No technology topic{head} is clearly {'cooling' if falling else 'rising'}."
        text += f" We have no patents yet in: {_join(absent, lang)}." if absent and not falling else ""
    return cols, rows, len(items), text


def whitespace(data: dict[str, Any], args: dict[str, Any], lang: str) -> Table:
    items = list(data.get("white_spaces") or [])
    cols, rows = _topics(items, "subfield", lang)
    top = items[:3]
    none = bool(top) and all(_get(i, ("company", "patents")) == 0 for i in top)
    why = (top[0].get("evidence") or {}).get(lang) if top and isinstance(top[0].get("evidence"), dict) else None
    names = _join([str(i.get("subfield")) for i in top], lang)
    where = args.get("field")
    if lang == "zh":
        head = f"{where}领域中，" if where else ""
        ours = "我们没有专利" if none else "我们没有或很少专利"
        text = (f"{head}在{names}方向，行业申请多且在增长，{ours}。" if top
                else f"{head}没有发现行业活跃、我们缺位的细分领域。")
        text += f"最值得关注的是{top[0].get('subfield')}：{why}。" if why else ""
    else:
        head = f" in {where}" if where else ""
        ours = "we have no patents" if none else "we have few or no patents"
        text = (f"White spaces{head}: {names} — the industry files many and more each year, {ours}." if top
                else f"No sub-field{head} where the industry is active and we are absent.")
        text += f" First: {top[0].get('subfield')} — {why}." if why else ""
    return cols, rows, len(items), text


def _expected(c: dict[str, Any]) -> float | None:
    part = next((p for p in c.get("parts") or [] if p.get("name") == "expected_value"), None)
    return _num(part.get("value")) if part else None


def allocate(data: dict[str, Any], args: dict[str, Any], lang: str) -> Table:
    cands = list(data.get("candidates") or [])
    chosen = [c for c in cands if c.get("chosen")]
    order = chosen + [c for c in cands if not c.get("chosen")]
    cols = [_col("name", "项目", "project"), _col("score", "优先分", "score", "number"),
            _col("cost", "费用", "cost", "currency"), _col("headcount", "人数", "headcount", "integer"),
            _col("chosen", "建议立项", "chosen", "bool")]
    rows = [[str(c.get("name") or c.get("id")), _num(c.get("score")), _num(c.get("cost")), _num(c.get("headcount")),
             bool(c.get("chosen"))] for c in order]
    budget = _num(data.get("budget")) if _num(data.get("budget")) is not None else _num(args.get("budget"))
    staff = _num(data.get("headcount")) if _num(data.get("headcount")) is not None else _num(args.get("headcount"))
    cost = sum(_num(c.get("cost")) or 0.0 for c in chosen)
    heads = sum(_num(c.get("headcount")) or 0.0 for c in chosen)
    evs = [_expected(c) for c in chosen]
    ev = sum(e for e in evs if e is not None) if chosen and all(e is not None for e in evs) else None
    first = _join([str(c.get("name")) for c in chosen[:3]], lang)
    if lang == "zh":
        cap = "、".join(x for x in (f"{_n(budget, 'currency', lang)}预算" if budget is not None else "",
                                     f"{_n(staff, 'integer', lang)}人" if staff is not None else "") if x)
        text = (f"{cap}下建议选 {len(chosen)} 个项目（共 {len(cands)} 个候选），共 {_n(cost, 'currency', lang)}、"
                f"{_n(heads, 'integer', lang)}人")
        text += f"，按成功率折算的预期年收入 {_n(ev, 'currency', lang)}" if ev is not None else ""
        text += f"。优先：{first}。" if first else "。"
    else:
        cap = " and ".join(x for x in (f"a {_n(budget, 'currency', lang)} budget" if budget is not None else "",
                                        f"{_n(staff, 'integer', lang)} people" if staff is not None else "") if x)
        text = (f"With {cap}: fund {len(chosen)} of {len(cands)} candidates, costing {_n(cost, 'currency', lang)} and "
                f"{_n(heads, 'integer', lang)} people")
        text += f"; expected annual revenue weighted by success odds {_n(ev, 'currency', lang)}" if ev is not None else ""
        text += f". First: {first}." if first else "."
    return cols, rows, len(cands), text


def _unit_format(unit: Any) -> str:
    return {"ratio": "percent", "元": "currency", "bool": "bool"}.get(str(unit), "number")


def assess(data: dict[str, Any], args: dict[str, Any], lang: str) -> Table:
    crits = list(data.get("criteria") or [])
    level = args.get("level")
    mine = [c for c in crits if c.get("level") == level] or crits
    rank = {False: 0, None: 1, True: 2}
    mine.sort(key=lambda c: rank.get(c.get("met"), 1))
    cols = [_col("name", "条件", "criterion"), _col("value", "我们的值", "ours", "text"),
            _col("threshold", "标准", "threshold", "text"), _col("met", "满足", "met", "bool"),
            _col("gap", "差距", "gap")]
    rows = []
    for c in mine:
        fmt = _unit_format(c.get("unit"))
        shown = [_shown(c.get(k), fmt, lang) for k in ("value", "threshold")]
        rows.append([_name(c, lang), *shown, c.get("met"), c.get("gap_text" if lang == "zh" else "gap_text_en")])
    met = sum(c.get("met") is True for c in mine)
    unmet = [c for c in mine if c.get("met") is False]
    open_ = sum(c.get("met") is None and c.get("applicable") is not False for c in mine)
    zh_level, en_level = _LEVEL.get(str(level), (str(level or "专精特新"), str(level or "专精特新")))
    year = data.get("year")
    short = [_name(c, lang) + (f"（{c['gap_text']}）" if lang == "zh" and c.get("gap_text") else
                               f" ({c['gap_text_en']})" if lang != "zh" and c.get("gap_text_en") else "")
             for c in unmet[:3]]
    more = len(unmet) - len(short)
    if lang == "zh":
        text = f"{f'{year} 年' if year else ''}{zh_level}标准 {len(mine)} 项中已满足 {met} 项"
        text += f"，差 {len(unmet)} 项：{_join(short, lang)}{' 等' if more > 0 else ''}" if unmet else "，目前没有确定不满足的条件"
        text += f"；另有 {open_} 项需要补充信息（在自评页填写）。" if open_ else "。"
    else:
        text = f"{en_level}{f' ({year})' if year else ''}: {met} of {len(mine)} criteria met"
        text += f"; short on {len(unmet)}: {_join(short, lang)}{' and more' if more > 0 else ''}" if unmet else "; none is known to be short"
        text += f"; {open_} need answers on the assessment page." if open_ else "."
    return cols, rows, len(mine), text


def _shown(v: Any, fmt: str, lang: str) -> str | None:
    if v is None:
        return None
    if fmt == "bool" or isinstance(v, bool):
        return ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
    return _n(v, fmt, lang)


def _name(c: dict[str, Any], lang: str) -> str:
    return str((c.get("name_en") or c.get("name")) if lang == "en" else c.get("name"))
