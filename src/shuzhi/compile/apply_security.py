"""Pass 2: row rules. Every group whose fact reaches a rule's dataset through joins that do not fan
out gets the rule's filter, with {{ user.x }} replaced by the user's attribute as a literal.

Invariants: a rule applies to the roles it lists (admins only when listed); a user without one of
the rule's attributes (absent, null, "" or []) sees no rows (FALSE) when the rule's
missing_attribute is "deny" (the default); with "skip", a user who lacks the attribute entirely
(absent or null) is not filtered by the rule, while an empty value ("" or []) still sees nothing; a list
attribute turns = into IN and != into NOT IN. The filter text is parsed by the formula parser;
user values only ever become literals. rules_for() is the one place that decides which rules bind
a user — metric queries and the raw-data routes (compile.row_scope) both use it.
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

from shuzhi.compile.context import CoreState, literal
from shuzhi.compile.fields import field_expr
from shuzhi.errors import ShuzhiError
from shuzhi.model.checks import PLACEHOLDER_PREFIX, USER_ATTR, _collect, field_ref_key, template_to_formula
from shuzhi.model.formula import parse_formula
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import RowRuleDef
from shuzhi.spec.resolve import UserContext


def _missing(value: Any) -> bool:
    return value is None or value == "" or value == []


def rule_attributes(rule: RowRuleDef) -> list[str]:
    """The user attributes a rule's filter reads ({{ user.x }} placeholders), in order, each once."""
    return list(dict.fromkeys(USER_ATTR.findall(rule.filter)))


def rules_for(idx: ModelIndex, user: UserContext) -> list[RowRuleDef]:
    """The row rules that bind `user`: its role is listed, and (for a "skip" rule) it has every
    attribute the rule reads (an empty value counts as having it: it sees nothing)."""
    attrs = user.attributes or {}
    return [r for r in idx.model.row_rules if user.role in r.roles and not (
        r.missing_attribute == "skip" and any(attrs.get(a) is None for a in rule_attributes(r)))]


def apply_security(st: CoreState) -> CoreState:
    rq = st.rq
    idx = rq.index
    rules = rules_for(idx, rq.user)
    for g in st.groups:
        for rule in rules:
            path = idx.join_path(g.dataset, rule.dataset)
            if path is None or any(s.fans_out for s in path):
                continue
            g.filters.append(("rule", rule))
            g.datasets.add(rule.dataset)
            for parts in _collect(template_to_formula(rule.filter)):
                if not parts[-1].startswith(PLACEHOLDER_PREFIX):
                    g.datasets.add(field_ref_key(idx, rule.dataset, parts)[0])
    return st


class _MissingAttr(Exception):
    pass


def rule_tree(idx: ModelIndex, rule: RowRuleDef, attrs: dict[str, Any], aliases: dict[str, str]) -> exp.Expression:
    def resolve(parts: tuple[str, ...]) -> exp.Expression:
        name = parts[-1]
        if name.startswith(PLACEHOLDER_PREFIX):
            key = name[len(PLACEHOLDER_PREFIX):]
            if _missing(attrs.get(key)):
                raise _MissingAttr(key)
            value = attrs[key]
            if isinstance(value, list):
                return exp.Tuple(expressions=[literal(v) for v in value])
            return literal(value)
        return field_expr(idx, field_ref_key(idx, rule.dataset, parts), aliases)

    try:
        tree = parse_formula(template_to_formula(rule.filter), resolve=resolve).tree
    except _MissingAttr:
        # Only bound rules get here (rules_for): an absent attribute of a "skip" rule never does.
        return exp.false()

    def lists_to_in(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.EQ | exp.NEQ):
            left, right = node.this.unnest(), node.expression.unnest()
            if isinstance(right, exp.Tuple) or isinstance(left, exp.Tuple):
                target, values = (left, right) if isinstance(right, exp.Tuple) else (right, left)
                in_ = exp.In(this=target, expressions=values.expressions)
                return exp.not_(in_) if isinstance(node, exp.NEQ) else in_
        return node

    tree = tree.transform(lists_to_in)
    if any(isinstance(n, exp.Tuple) for n in tree.walk()):
        raise ShuzhiError("row_rule_invalid", f"行权限规则 {rule.name} 只能用 = 或 != 比较列表属性。",
                          f"Row rule {rule.name} can compare a list attribute only with = or !=.", 500)
    return exp.paren(tree, copy=False)
