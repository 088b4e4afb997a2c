"""Stage: the kind of answer asked — why (explain a change), forecast, or yes/no — read from its cue
words before the comparison and time words read them (涨了 is no 同比 here, 下个季度 no grain).

- why: 为什么 / 为啥 / 为何 / 什么原因 / 怎么…下降了 / why / what drove / what caused; the change word
  (涨了, 下降了, dropped) and a 同比 / vs last year (compare with the same period a year before) are masked.
- forecast: 预测 / 预计 / 预估 / forecast / projected, or a future horizon (未来3个月, 下个季度, 明年, next
  quarter, next 6 months); the horizon in months (default 3) is masked.
- yes/no: 了吗 / 有没有 / 是否 / 是不是 / did / is … above, with a threshold: the numeric condition nearest
  the end (read by numeric_conditions) leaves the conditions — it is the threshold, never a having —
  or 达到 / reach / hit + a number (op >=); the verb holding it (控制在…以内, 保持在) is understood; whether the
  threshold was written as a percent is kept (`percent`: 20% of revenue compares a share, not an amount).

Invariants: a why or forecast question is never also a yes/no one; a yes/no cue without a threshold is
an ordinary question (the cue words stay to be reported); everything used is masked. The frame is
shaped for the intent later, by the `intent_frame` stage (stages/intent_frame.py).
"""

from __future__ import annotations

import re

from shuzhi.ai.nl.numbers import NUMBER_RE, parse_number
from shuzhi.ai.nl.stages.state import ParseState

WHY = re.compile(r"为什么|为啥|为何|什么原因|啥原因|原因是什么|原因是啥|的原因(?=\s*[?？]*\s*$)|怎么回事|怎么(?!样|么)(?=.*?(?:下降|下滑|减少|下跌|降|跌|掉|涨|增长|上升|提升|增加|升高|变|波动|这么|那么|如此))"
                 r"|\bwhy\b|\bwhat (?:drove|caused|explains|is behind|was behind|'s behind)\b|\bwhat's behind\b"
                 r"|\breasons? (?:for|behind)\b|\bexplain\b")
CHANGE = re.compile(r"(?:大幅|明显|突然|一下子|猛地|持续)?(?:下降|下滑|减少|下跌|萎缩|降低|变少|增长|上升|提升|上涨|增加|提高|升高|走高|走低|攀升|飙升|回落|下挫|恶化|好转|变差|变好|变多|变化|波动|暴涨|暴跌|涨|降|跌|掉|变)(?:了)?"
                    r"(?:得|了)?(?:这么|那么|如此|这样)?(?:多|厉害|快|猛|严重|大)?"
                    r"|(?:这么|那么|如此|这样)(?:高|低|多|少|差|好|大|小|快|慢|糟|弱|强)"
                    r"|\b(?:drop|dropped|drops|fall|fell|falls|decline|declined|declines|decrease|decreased|rise|rose|rises|"
                    r"grow|grew|grows|increase|increased|increases|change|changed|changes|jump|jumped|go up|went up|go down|went down)\b")
SAME_PERIOD = re.compile(r"同比|比去年同期|比去年|较去年|去年同期|\byear[\s-]*over[\s-]*year\b|\byoy\b|\b(?:vs\.?|versus|than|compared (?:to|with)) (?:the same period )?last year\b")
FORECAST = re.compile(r"预测一下|预测|预计|预估|估计|展望|\bforecast(?:s|ed|ing)?\b|\bprojected\b|\bprojections?\b|\bproject\b|\bpredict(?:ed|ion)?\b")
_CN = "一二两三四五六七八九十"
HORIZON = re.compile(
    rf"(?:未来|接下来|今后|之后|后面)的?\s*(?P<n>\d+|[{_CN}]+|半)\s*(?P<u>个月|个季度|季度|年)"
    r"|(?P<nq>下(?:一)?个?季度)|(?P<nm>下(?:一)?个?月)|(?P<ny>明年|下一年|来年)"
    rf"|\b(?:next|coming|following)\s+(?P<en>\d+|one|two|three|four|five|six|nine|twelve|eighteen|twenty[\s-]four)?\s*(?P<eu>months?|quarters?|years?)\b")
FUTURE_WORDS = re.compile(r"会是多少|会有多少|会达到多少|能达到多少|能有多少|会怎么样|会如何|大概多少"
                          r"|(?:大概|大约)?(?:将会|能够|可以|可能|能|会|将)(?:接|拿|签|做)?(?=[\u4e00-\u9fff]{0,3}(?:多少|几))|\bwill (?:it |we |there )?(?:be|reach|look|have)\b|\bwill\b|\bgoing to be\b")
YESNO = re.compile(r"有没有|是不是|是否|有无|能不能|能否|了吗|了没有?|吗|没有?(?=\s*[?？]*\s*$)"
                   r"|^\s*(?:is|are|was|were|did|does|do|has|have|had)\b(?!\s+there\b)|\b(?:stay(?:ed|s)?|remain(?:ed|s)?|still|yet)\b")
REACH = re.compile(r"(?:已经)?(?:达到了?|达成了?|达标|突破了?|到了|到|破了|\breach(?:ed|es)?\b|\bhit\b|\btop(?:ped)?\b)\s*")
# a yes/no against an earlier period, no number: 有没有超过去年, 比上个月高吗, is revenue above last year
VS_BEFORE = re.compile(r"(?P<cmp>超过|超出|高于|多于|大于|低于|少于|不如|比|\babove\b|\bhigher than\b|\bmore than\b|\bexceed(?:ed|s)?\b|\bbeat\b"
                       r"|\bbelow\b|\blower than\b|\bless than\b|\bup (?:on|from|vs\.?)\b|\bdown (?:on|from|vs\.?)\b)\s*"
                       r"(?P<when>去年同期|去年|上个?月|上一个月|上个?季度|上一季度|\b(?:the same period )?last year\b|\blast month\b|\blast quarter\b)"
                       r"(?P<dir>\s*(?:的|同期)?\s*(?:更|还|要)?(?:高|多|好|大|低|少|差|小))?")
# a yes/no on the direction of a change: 销售额增长了吗, 毛利率下降了没有, did revenue grow, is revenue up this year
CHANGE_ASKED = re.compile(r"(?P<up>增长|上升|提升|上涨|增加|提高|变多|涨)了?(?=\s*(?:吗|么|没有?)\s*[?？]*\s*$)"
                          r"|(?P<down>下降|下滑|减少|下跌|降低|变少|降|跌)了?(?=\s*(?:吗|么|没有?)\s*[?？]*\s*$)"
                          r"|\b(?P<up_en>grow|grew|rise|rose|increase|increased|go up|gone up|up)\b"
                          r"|\b(?P<down_en>decline|declined|fall|fell|drop|dropped|decrease|decreased|go down|gone down|down)\b")
# 控制在1.5%以内 / 保持在90%以上 / kept within, stayed below: the verb before a yes/no threshold
_KEEP_WITHIN = re.compile(r"(?:控制|保持|维持|稳定|压|守)(?:住)?(?:在|到)\s*$|\b(?:kept|keep|stay(?:ed)?|remain(?:ed)?|held)\s*(?:within|under|below|above|at)?\s*$")
_PERCENT_WRITTEN = re.compile(r"%|％|百分之|percent|per cent|pct|个百分点")
_LOWER = re.compile(r"低于|少于|不如|below|lower|less|down|低|少|差|小")
_EN_N = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9, "twelve": 12, "eighteen": 18}
DEFAULT_HORIZON = 3


def _outside_terms(st: ParseState, found: list[re.Match[str]]) -> list[re.Match[str]]:
    """The cue words that are not part of a longer dictionary term (预计 in 预计金额, a field's name)."""
    if not found:
        return found
    terms = [(s, e) for s, e, _w, _x in st.lex.scan(st.t.text, list(st.t.taken))]
    return [m for m in found if not any(s <= m.start() and m.end() <= e and e - s > m.end() - m.start()
                                        for s, e in terms)]


def intent(st: ParseState) -> None:
    t = st.t
    why = _outside_terms(st, t.find(WHY, take=False))
    if why:
        for m in why:
            t.take(m.start(), m.end())
        t.find(CHANGE)
        st.intent = "why"
        st.intent_args = {"compare": "year" if t.find(SAME_PERIOD) else "previous"}
        return
    horizon = _outside_terms(st, t.find(HORIZON, take=False))
    cue = _outside_terms(st, t.find(FORECAST, take=False))
    if cue or horizon:
        months = _months(horizon[0]) if horizon else DEFAULT_HORIZON
        for m in [*cue, *horizon]:
            t.take(m.start(), m.end())
        t.find(FUTURE_WORDS)
        st.intent = "forecast"
        st.intent_args = {"horizon": months}
        return
    _yesno(st)


def _months(m: re.Match[str]) -> int:
    if m.group("nq"):
        return 3
    if m.group("nm"):
        return 1
    if m.group("ny"):
        return 12
    if m.group("n"):
        raw, unit = m.group("n"), m.group("u")
        n = 0.5 if raw == "半" else float(parse_number(raw) or DEFAULT_HORIZON)
        return max(1, round(n * (12 if unit == "年" else 3 if "季" in unit else 1)))
    raw, unit = (m.group("en") or "one").replace("-", " "), m.group("eu")
    n = int(raw) if raw.isdigit() else 24 if raw.startswith("twenty") else _EN_N.get(raw, 1)
    return max(1, n * (12 if unit.startswith("year") else 3 if unit.startswith("quarter") else 1))


def _yesno(st: ParseState) -> None:
    """A yes/no cue with a threshold: the condition nearest the end, or 达到 + a number."""
    t = st.t
    cues = list(YESNO.finditer(t.masked()))
    if not cues:
        return
    found: tuple[int, int, str, float] | None = None
    masked = t.masked()
    for m in REACH.finditer(masked):
        nm = NUMBER_RE.match(masked, m.end())
        if nm and (value := parse_number(nm.group(0))) is not None:
            found = (m.start(), nm.end(), ">=", value)
    if found is None:
        # a condition qualifying a thing (超过1000万的客户, customers with revenue over 1M) is a having
        single = [c for c in st.conditions if c[2] in (">", ">=", "<", "<=", "=")
                  and not re.match(r"\s*的", t.text[c[1]:])]
        if not single:
            _against_before(st, cues)
            return
        found = max(single, key=lambda c: c[0])
        st.conditions = [c for c in st.conditions if c is not found]
    start, end, op, value = found
    t.take(start, end)
    keep = _KEEP_WITHIN.search(t.text[:start])  # 控制在1.5%以内 / kept below: the verb holding the threshold
    if keep:
        t.take(keep.start(), keep.end())
    for m in cues:
        t.take(m.start(), m.end())
    st.intent = "yesno"
    st.intent_args = {"op": op, "threshold": float(value),
                      "percent": bool(_PERCENT_WRITTEN.search(t.text[start:end]))}


def _against_before(st: ParseState, cues: list[re.Match[str]]) -> None:
    """No number: higher or lower than an earlier period (有没有超过去年 → yoy > 0), or a change's direction
    (增长了吗 → yoy > 0, 下降了没有 → yoy < 0; 上个月 / last month → against the period before)."""
    t = st.t
    masked = t.masked()
    english = re.match(r"\s*(?:is|are|was|were|did|does|do|has|have|had)\b", masked) is not None
    vs = VS_BEFORE.search(masked)
    if vs is not None and (vs.group("cmp") != "比" or vs.group("dir")):
        lower = bool(_LOWER.search(vs.group("cmp") + (vs.group("dir") or "")))
        growth = "yoy" if re.search("年|year", vs.group("when")) else "pop"
        span = (vs.start(), vs.end())
    else:
        ch = CHANGE_ASKED.search(masked)
        if ch is None or ((ch.group("up_en") or ch.group("down_en")) and not english):
            return
        lower = bool(ch.group("down") or ch.group("down_en"))
        growth = "pop" if re.search(r"环比|上个?月|比上|\blast month\b|\bmom\b|month over month", masked) else "yoy"
        span = (ch.start(), ch.end())
    t.take(*span)
    for m in cues:
        t.take(m.start(), m.end())
    st.intent = "yesno"
    st.intent_args = {"op": "<" if lower else ">", "threshold": 0.0, "growth": growth}
