"""Innovation questions (docs/ask-innovation.md): which of the four innovation analyses a question asks for,
and its arguments — read from the normalised question, before any other stage reads it.

- hotspots: a heat word (升温, 最热, 热门, 热点, 兴起, 新兴; heating up, hottest, trending, emerging) said of
  technology (技术, 方向, 主题, 研发; technology, tech, topics) — or 降温 / cooling for the falling ones;
  optional a tech field (a value of a `tech_field` dimension, or its English gloss) and 近N年 / last N years.
- whitespace: 空白 (of the industry, market, technology or patents), or no patents / no 布局 in some areas
  (哪些领域没有专利布局, where do we have no patents); optional the tech field and years.
- allocate: how to split an R&D budget (研发预算怎么分, 先做哪些项目, 哪些项目该立项, how should we split the
  budget, which projects should we fund); the budget (3000万, 1.2亿, 30 million: numbers.py) and the headcount
  (30个人, 30 engineers).
- assess: 小巨人 / 专精特新 / little giant / specialized and sophisticated; the year asked (2025年, 今年, 去年) and
  the level (小巨人 when named — national; else 专精特新, the provincial one).

Invariants: every cue needs the innovation context (a heat word alone, 没有 alone, 预算 alone or 项目 alone
is an ordinary question); growth, trends and counts of patents stay queries (专利申请数按年, 增长最快的技术领域);
nothing here reads data — the tech fields are the lexicon's values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from shuzhi.ai.nl.numbers import NUMBER_RE, cn_int, parse_number

INTENTS = ("hotspots", "whitespace", "allocate", "assess")

# -- assess: the 专精特新 self-assessment --------------------------------------------------------------
ASSESS = re.compile(r"小巨人|专精特新|\blittle[\s-]*giants?\b|\bspeciali[sz]ed,? (?:and )?(?:sophisticated|refined)\b"
                    r"|\bsrdi\b|\bzhuanjingtexin\b")
NATIONAL = re.compile(r"小巨人|\blittle[\s-]*giants?\b|国家级|\bnational\b")

# -- hotspots -----------------------------------------------------------------------------------------
_HOT_ZH = (r"升温|变热|热起来|火起来|越来越热|越来越火|最热|最火|很热|很火|热门|热点|风口|兴起|崛起|新兴|冒头|涌现|起来了"
           r"|热度(?:在|正在|有所|开始)?(?:最高|上升|在涨|变高|提升)|受关注|关注度(?:最高|上升)")
_COLD_ZH = r"降温|变冷|冷下来|遇冷|冷门|退潮|过时|过气|衰退|没落|热度(?:在|正在|有所|开始)?(?:下降|下滑|降低|减退|最低)|不热了|凉了"
_HOT_EN = (r"\bheat(?:ing)? up\b|\bhott(?:er|est)\b|\bhot\b|\btrending\b|\bemerging\b|\bhot[\s-]?spots?\b|\bon the rise\b"
           r"|\brising\b|\bbuzz(?:ing)?\b|\bgaining (?:momentum|traction)\b|\btaking off\b")
_COLD_EN = r"\bcool(?:ing)? (?:down|off)\b|\bcooling\b|\bfading\b|\bdeclining\b|\bfalling\b|\blosing (?:steam|momentum)\b|\bout of fashion\b"
HOT = re.compile(f"{_HOT_ZH}|{_HOT_EN}")
COLD = re.compile(f"{_COLD_ZH}|{_COLD_EN}")
# what is hot: technology, research directions, topics (专利 with a heat word too: 专利热点); never a product or a region
TECH_ZH = r"技术|方向|主题|课题|赛道|研发|专利|创新"
TECH_EN = r"\btech(?:nolog(?:y|ies))?\b|\btopics?\b|\br&d\b|\bresearch\b|\binnovation\b|\bpatents?\b"
TECH = re.compile(f"{TECH_ZH}|{TECH_EN}")
# a heat word in a metric's or a growth's words is not one: 热处理, 增长最快, 趋势
_NOT_HEAT = re.compile(r"热处理|热销|热卖|卖得最火|最畅销")

# -- whitespace -----------------------------------------------------------------------------------------
_GAP_ZH = (r"空白|空档|空缺|盲区|(?:没有|没|未|尚未|还没|缺少|缺乏|缺)(?:做)?(?:任何)?(?:专利)?布局|布局(?:空白|薄弱|不足|缺失)"
           r"|(?:我们|咱们|公司|自己)(?:都|还|一直)?(?:没有|没|无|缺少|缺乏)(?:任何)?(?:相关)?专利|没有(?:我们|咱们|公司)的专利"
           r"|(?:一件|一项|一个|任何)专利(?:都|也)(?:没有|没)|没有(?:一件|一项|任何)专利"
           r"|(?:别人|同行|对手|竞争对手|友商|行业)(?:都)?在(?:做|申请|布局)[^，,。]{0,8}(?:我们|咱们)(?:没|没有|还没)")
_GAP_EN = (r"\bwhite[\s-]?spaces?\b|\bgaps?\b|\bblind spots?\b|\bno patents?\b|\bnot (?:have )?(?:any )?patents?\b"
           r"|\b(?:don't|do not|dont) have (?:any )?patents?\b|\black(?:ing)? patents?\b|\bnot (?:yet )?patented\b"
           r"|\bwithout (?:any )?patents?\b|\buncovered\b|\bno (?:patent )?(?:coverage|presence)\b|\bunderserved\b")
GAP = re.compile(f"{_GAP_ZH}|{_GAP_EN}")
# the gap is an area of technology, the industry or the market (not 客户行业为空白, not 哪些项目没有专利)
AREA_ZH = r"领域|方向|技术|赛道|细分|子领域|行业|市场|哪些方面|哪块|哪些地方|哪里|哪儿|布局"
AREA_EN = r"\bwhere\b|\bareas?\b|\bfields?\b|\bdomains?\b|\btechnolog(?:y|ies)\b|\btech\b|\bindustry\b|\bmarket\b|\bportfolio\b|\bsub-?fields?\b"
AREA = re.compile(f"{AREA_ZH}|{AREA_EN}")
_NOT_AREA_THING = re.compile(r"项目|客户|产品|订单|供应商|\bprojects?\b|\bcustomers?\b|\bproducts?\b|\bsuppliers?\b")

# -- allocate ---------------------------------------------------------------------------------------------
_SPLIT_ZH = (r"(?:怎么|如何|应该|应当|该|建议|咋)(?:来)?(?:分(?!布|析|别|成)|分配|花|投|安排|配置|切分|选|挑)"
             r"|分给哪些|投(?:给|到|向)?哪(?:些|几个|个)|给哪些项目|支持哪些|资助哪些"
             r"|先(?:做|上|投|批|立)哪(?:些|几个|个)|优先(?:做|上|投|支持|安排)?哪(?:些|几个|个)|做哪(?:些|几个)项目|上哪(?:些|几个)项目"
             r"|(?:哪些|哪几个|哪个)项目(?:应该|该|值得|可以|要|先)?(?:立项|上马|先做|先上|优先|批|通过|投)"
             r"|立哪(?:些|几个)|立项(?:建议|排序|优先级|组合|方案)|项目(?:优先级|优先顺序|排优先级)|怎么排优先级")
# English: a verb of splitting said in a how / where question or of the budget (never "spend" the noun: R&D spend)
_SPLIT_EN = (r"\b(?:how|where)\s+(?:should|do|would|can|could|shall|to|best to|might|must)\b[^?]*"
             r"\b(?:split|allocate|spend|divide|distribute|invest|deploy)\b"
             r"|\b(?:split|allocate|allocating|allocation|divide|distribute|distributing)\b"
             r"|\bwhich (?:projects?|proposals?)\b[^?]*\b(?:fund|approve|start|launch|do first|prioriti[sz]e|pick|choose|back"
             r"|green[\s-]?light)\b|\b(?:fund|approve|prioriti[sz]e|pick|choose)\b[^?]*\b(?:projects?|proposals?)\b"
             r"|\bproject priorit(?:y|ies|ization)\b")
SPLIT = re.compile(f"{_SPLIT_ZH}|{_SPLIT_EN}")
BUDGET = re.compile(r"预算|经费|资金|\bbudget\b|\bfunds?\b|\bmoney\b")
RD = re.compile(r"研发|立项|项目|创新|\br&d\b|\brd\b|\bprojects?\b|\bproposals?\b|\bresearch\b|\binnovation\b")
# a split already made is a query: 预算分布, 预算的分配情况, how is the budget distributed by layer
_SPLIT_DONE = re.compile(r"分配情况|分布|分配比例|\bhow (?:is|was) (?:the |our )?(?:r&d )?budget (?:split|distributed|allocated)\b"
                         r"|\bby (?:layer|field|project)\b|按(?:层级|领域|项目|技术领域)")
HEADCOUNT = re.compile(
    r"(?P<zh>\d+|[一二两三四五六七八九十百]+)\s*(?:个|名|位)?\s*(?:人(?!民币|工)|工程师|研发人员|研发工程师|研究员|人力|编制|hc)"
    r"|(?:人力|人手|编制|人员|人数|研发人员)\s*(?:有|是|为|共|一共)?\s*(?P<zh2>\d+|[一二两三四五六七八九十百]+)\s*(?:个|名|位)?(?:人)?"
    r"|(?P<en>\d+|[a-z]+)\s+(?:people|persons|engineers|researchers|staff|heads|headcount|fte|ftes|developers|scientists)\b"
    r"|\bheadcount (?:of )?(?P<en2>\d+)\b")
_MONEY_UNIT = re.compile(r"万|亿|千万|百万|\b(?:k|thousand|m|mn|million|millions|b|bn|billion)\b|元|块|yuan|rmb|cny", re.IGNORECASE)

# -- shared ------------------------------------------------------------------------------------------------
YEARS = re.compile(r"(?:近|最近|过去|前|这)\s*(?P<zh>\d+|[一二两三四五六七八九十]+)\s*年"
                   r"|\b(?:last|past|previous|recent)\s+(?P<en>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+years?\b")
YEAR = re.compile(r"(?P<y>20\d{2})\s*(?:年|年度)?|(?P<rel>今年|去年|前年|本年度|上一?年度?|this year|last year)")
_EN_N = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
# a follow-up of an innovation answer: 那2000万呢, 如果是40个人, 换成精密传动, what about 20 million (a new value
# replaces the previous one; 再加5个人 / 多给500万 / 减少500万 change it)
FOLLOW = re.compile(r"^\s*(?:what about|how about|and|if|with|now|instead)\b|^\s*(?:那|那么|如果|要是|假如|换成|改成|改为|再|加)"
                    r"|呢\s*[?？]*\s*$")

# English glosses of the demo's tech fields (used only when the field exists in the lexicon)
FIELD_GLOSS = {"precision transmission": "精密传动", "precision drives": "精密传动", "precision drive": "精密传动",
               "motion control": "运动控制算法", "motion-control": "运动控制算法", "new materials": "新材料",
               "advanced materials": "新材料", "materials": "新材料", "sensing and testing": "传感与检测",
               "sensing": "传感与检测", "sensors": "传感与检测", "sensor": "传感与检测", "smart manufacturing": "智能制造",
               "intelligent manufacturing": "智能制造"}


@dataclass
class Reading:
    """An innovation question read: the intent, its arguments and the spans of the words that said them."""

    intent: str
    args: dict[str, Any] = field(default_factory=dict)
    spans: list[tuple[int, int]] = field(default_factory=list)


def intent_of(text: str, named_field: Callable[[], bool] = lambda: False) -> tuple[str, list[tuple[int, int]]] | None:
    """The innovation intent a normalised question asks for, with the spans of its cue words; None for any
    other question. `named_field()`: whether the question names a tech field (an area for a gap word)."""
    if m := ASSESS.search(text):
        return "assess", [m.span()]
    gap = GAP.search(text)
    if gap and (AREA.search(text) or named_field()) and not _project_gap(text, gap):
        return "whitespace", [gap.span()]
    split = SPLIT.search(text)
    if split and RD.search(text) and (BUDGET.search(text) or _project_pick(text)) and not _SPLIT_DONE.search(text):
        return "allocate", [split.span()]
    heat = HOT.search(_NOT_HEAT.sub(lambda m: "\x00" * len(m.group(0)), text)) or COLD.search(text)
    if heat and TECH.search(text) and not _en_patent_count(text, heat):
        return "hotspots", [heat.span()]
    return None


def _project_gap(text: str, gap: re.Match[str]) -> bool:
    """哪些项目没有专利, customers without patents: things without patents, not areas of technology."""
    return bool(_NOT_AREA_THING.search(text)) and not re.search(r"领域|方向|赛道|细分|\bfields?\b|\bareas?\b|\bdomains?\b", text)


def _project_pick(text: str) -> bool:
    return bool(re.search(r"项目|立项|\bprojects?\b|\bproposals?\b", text))


def _en_patent_count(text: str, heat: re.Match[str]) -> bool:
    """are patent applications rising, is R&D spend rising: a count or an amount rising is a query (yes/no)."""
    if not re.fullmatch(r"rising|falling|declining", heat.group(0)):
        return False
    return not re.search(r"\btech(?:nolog(?:y|ies))?\b|\btopics?\b|\bdirections?\b", text)


def money(text: str, skip: list[tuple[int, int]] = ()) -> tuple[float, tuple[int, int]] | None:  # type: ignore[assignment]
    """The budget: the first amount with a money unit (3000万, 1.2亿, 30 million, 5000000元) or a bare number of
    at least 10,000 (元), outside `skip` (the headcount's span) and never a year (2027年)."""
    for m in NUMBER_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in skip):
            continue
        raw = m.group(0)
        if re.match(r"\s*(?:年|个?月|个?季度|%|个百分点)", text[m.end():]) or "%" in raw or "百分" in raw:
            continue
        v = parse_number(raw)
        if v is None:
            continue
        if _MONEY_UNIT.search(raw) or v >= 10_000 and not re.fullmatch(r"20\d{2}", raw.strip()):
            return float(v), m.span()
    return None


def headcount(text: str) -> tuple[int, tuple[int, int]] | None:
    m = HEADCOUNT.search(text)
    if not m:
        return None
    raw = m.group("zh") or m.group("zh2") or m.group("en") or m.group("en2")
    n = _EN_N.get(raw) if raw in _EN_N else cn_int(raw)
    return (n, m.span()) if n else None


def years(text: str) -> tuple[int, tuple[int, int]] | None:
    m = YEARS.search(text)
    if not m:
        return None
    raw = m.group("zh") or m.group("en")
    n = _EN_N.get(raw) if raw in _EN_N else cn_int(raw)
    return (n, m.span()) if n else None


def year(text: str, today: dt.date) -> tuple[int, tuple[int, int]] | None:
    m = YEAR.search(text)
    if not m:
        return None
    if m.group("y"):
        return int(m.group("y")), m.span()
    rel = m.group("rel")
    back = 2 if rel == "前年" else 1 if rel in ("去年", "上年", "上一年", "上年度", "上一年度", "last year") else 0
    return today.year - back, m.span()


_MORE = re.compile(r"(?:再|多)?(?:加|增加|追加|多给|多)\s*$|\b(?:add|another|more|plus)\s*$")
_LESS = re.compile(r"(?:再)?(?:减|减少|少|砍掉?|削减)\s*$|\b(?:minus|cut|less)\s*$")


def _changed(text: str, start: int, before: Any) -> Callable[[float], float | None] | None:
    """A follow-up's change of a value: 再加5个人 / 多给500万 adds to the value before, 减少500万 subtracts; None when
    the number replaces it (那2000万呢). With no value before, a change cannot be read (None as the result)."""
    head = text[:start]
    sign = 1 if _MORE.search(head) else -1 if _LESS.search(head) else 0
    if not sign:
        return None
    return lambda n: None if before is None else type(n)(before + sign * n)


def tech_fields(lex: Any) -> list[str]:
    """The tech fields the lexicon knows (values of any `tech_field` dimension), longest first; read once per
    lexicon (kept on it)."""
    if lex.tech_fields is None:
        out = {e.key[2] for entries in lex.terms.values() for e in entries
               if e.kind == "value" and isinstance(e.key, tuple) and len(e.key) == 3 and e.key[1] == "tech_field"}
        lex.tech_fields = sorted((str(v) for v in out), key=len, reverse=True)
    return list(lex.tech_fields)


def tech_field(text: str, lex: Any) -> tuple[str, tuple[int, int]] | None:
    """A tech field named in the question: its value (精密传动), a short form (运动控制 → 运动控制算法, 传感 →
    传感与检测) or an English gloss (motion control)."""
    known = tech_fields(lex)
    forms: list[tuple[str, str]] = []
    for v in known:
        forms.append((v.lower(), v))
        short = re.sub(r"(?:算法|技术)$", "", v)
        if short != v and len(short) >= 2:
            forms.append((short, v))
        forms += [(p, v) for p in re.split(r"与|和|及", v) if len(p) >= 2 and p != v]
    forms += [(g, v) for g, v in FIELD_GLOSS.items() if v in known]
    for form, value in sorted(forms, key=lambda f: -len(f[0])):
        pat = rf"\b{re.escape(form)}\b" if form.isascii() else re.escape(form)
        if m := re.search(pat, text):
            return value, m.span()
    return None


def read(text: str, lex: Any, today: dt.date, previous: Any = None) -> Reading | None:
    """The innovation reading of a normalised question, or None. A follow-up of an innovation answer (那2000万呢,
    what about 20 million, 精密传动呢) keeps its intent and changes the arguments it names."""
    found = intent_of(text, lambda: tech_field(text, lex) is not None)
    if found is None:
        prev = getattr(previous, "intent", None)
        if prev not in INTENTS or not FOLLOW.search(text):
            return None
        found = (prev, [])
        base = dict(getattr(previous, "intent_args", {}) or {})
    else:
        base = {}
    kind, spans = found
    r = Reading(kind, base, list(spans))
    if kind == "allocate":
        hc = headcount(text)
        amount = money(text, [hc[1]] if hc else [])
        for key, got in (("headcount", hc), ("budget", amount)):
            if got:
                value = _changed(text, got[1][0], base.get(key)) if not spans else None
                r.args[key] = got[0] if value is None else value(got[0])
                r.spans.append(got[1])
                if r.args[key] is None or r.args[key] < 0:  # 再加5个人 with no headcount before: not read
                    return None
    elif kind == "assess":
        y = year(text, today)
        if y:
            r.args["year"] = y[0]
            r.spans.append(y[1])
        if found[1] or "level" not in r.args:
            r.args["level"] = "小巨人" if NATIONAL.search(text) else "专精特新"
    else:
        f = tech_field(text, lex)
        if f:
            r.args["field"] = f[0]
            r.spans.append(f[1])
        n = years(text)
        if n:
            r.args["years"] = n[0]
            r.spans.append(n[1])
        if kind == "hotspots":
            r.args["direction"] = "falling" if COLD.search(text) and not HOT.search(text) else "rising"
    if not r.spans:
        return None  # a follow-up that names nothing the analysis takes is not this analysis's
    return r
