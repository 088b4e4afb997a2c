"""ModelIndex: a checked, indexed view of a SemanticModel that answers the compiler's lookups.

Building an index validates every cross-reference (join targets and keys, fields in formulas,
metric dependencies, time fields, hierarchy levels, rules) and collects all problems at once,
each with a path such as `metrics[3].formula` and, where possible, the closest known name.

Join paths: declared joins form a graph; walking a join in its declared direction keeps its
relationship, walking it backwards inverts it (many_to_one ↔ one_to_many). A path "fans out" when
any step is to-many; the compiler refuses to sum across such a path.
"""

from __future__ import annotations

import difflib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from shuzhi.errors import ShuzhiError
from shuzhi.model.schema import DatasetDef, FieldDef, MetricDef, SemanticModel

_INVERSE = {"many_to_one": "one_to_many", "one_to_many": "many_to_one", "one_to_one": "one_to_one"}


@dataclass(frozen=True)
class JoinStep:
    """One hop: from `left` to `right`, joining left.left_fields = right.right_fields."""

    left: str
    right: str
    left_fields: tuple[str, ...]
    right_fields: tuple[str, ...]
    relationship: str  # as seen walking from left to right

    @property
    def fans_out(self) -> bool:
        return self.relationship == "one_to_many"


@dataclass
class Problem:
    path: str
    zh: str
    en: str
    suggestion: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"path": self.path, "message_zh": self.zh, "message_en": self.en}
        if self.suggestion:
            d["suggestion"] = self.suggestion
        return d


def closest(name: str, candidates: list[str] | set[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(name, sorted(candidates), n=n, cutoff=0.5)


def did_you_mean(name: str, candidates: list[str] | set[str]) -> tuple[str, str]:
    near = closest(name, candidates)
    if not near:
        return "", ""
    return f"你是不是想用：{'、'.join(near)}？", f" Did you mean: {', '.join(near)}?"


@dataclass
class ModelIndex:
    model: SemanticModel
    datasets: dict[str, DatasetDef] = field(default_factory=dict)
    fields: dict[tuple[str, str], FieldDef] = field(default_factory=dict)
    bare: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # (dataset, physical column) -> field name, for columns named otherwise than their field (订单号 of
    # field col_1): formulas and QuerySpecs may name such a field by its column; a column two fields share
    # is left out (ambiguous).
    by_column: dict[tuple[str, str], str] = field(default_factory=dict)
    bare_columns: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    metrics: dict[str, MetricDef] = field(default_factory=dict)
    shared: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    edges: dict[str, list[JoinStep]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    # -- construction --------------------------------------------------------------------
    @classmethod
    def build(cls, model: SemanticModel, *, check_formulas: bool = True) -> ModelIndex:
        idx = cls(model)
        idx._index()
        if check_formulas:
            from shuzhi.model.checks import check_model  # formulas, dependencies, rules

            check_model(idx)
        if idx.problems:
            raise model_invalid(idx.problems)
        return idx

    def _index(self) -> None:
        m = self.model
        for i, ds in enumerate(m.datasets):
            if ds.name in self.datasets:
                self.problems.append(Problem(f"datasets[{i}].name", f"数据集名称重复：{ds.name}",
                                             f"Duplicate dataset name: {ds.name}"))
            self.datasets[ds.name] = ds
            self.edges.setdefault(ds.name, [])
            for j, f in enumerate(ds.fields):
                key = (ds.name, f.name)
                if key in self.fields:
                    self.problems.append(Problem(f"datasets[{i}].fields[{j}].name",
                                                 f"字段名称重复：{ds.name}.{f.name}",
                                                 f"Duplicate field name: {ds.name}.{f.name}"))
                self.fields[key] = f
                self.bare.setdefault(f.name, []).append(key)
            self._index_columns(ds)
            for k, pk in enumerate(ds.primary_key):
                if (ds.name, pk) not in self.fields:
                    self._unknown_field(f"datasets[{i}].primary_key[{k}]", ds.name, pk)
        for i, ds in enumerate(m.datasets):
            for j, jn in enumerate(ds.joins):
                path = f"datasets[{i}].joins[{j}]"
                if jn.to not in self.datasets:
                    zh, en = did_you_mean(jn.to, set(self.datasets))
                    self.problems.append(Problem(f"{path}.to", f"关联的数据集 {jn.to} 不存在。{zh}",
                                                 f"Joined dataset {jn.to} does not exist.{en}",
                                                 (closest(jn.to, set(self.datasets)) or [None])[0]))
                    continue
                ok = True
                for lf, rf in jn.on.items():
                    if (ds.name, lf) not in self.fields:
                        self._unknown_field(f"{path}.on", ds.name, lf)
                        ok = False
                    if (jn.to, rf) not in self.fields:
                        self._unknown_field(f"{path}.on.{lf}", jn.to, rf)
                        ok = False
                if not ok or not jn.on:
                    continue
                lfs, rfs = tuple(jn.on.keys()), tuple(jn.on.values())
                self.edges[ds.name].append(JoinStep(ds.name, jn.to, lfs, rfs, jn.relationship))
                self.edges[jn.to].append(JoinStep(jn.to, ds.name, rfs, lfs, _INVERSE[jn.relationship]))
        for i, met in enumerate(m.metrics):
            if met.name in self.metrics:
                self.problems.append(Problem(f"metrics[{i}].name", f"指标名称重复：{met.name}",
                                             f"Duplicate metric name: {met.name}"))
            self.metrics[met.name] = met
        for i, sd in enumerate(m.shared_dimensions):
            members = []
            for j, ref in enumerate(sd.fields):
                parts = ref.split(".")
                if len(parts) != 2 or (parts[0], parts[1]) not in self.fields:
                    self._unknown_field(f"shared_dimensions[{i}].fields[{j}]", parts[0], parts[-1])
                    continue
                members.append((parts[0], parts[1]))
            if sd.name in self.shared:
                self.problems.append(Problem(f"shared_dimensions[{i}].name", f"共享维度名称重复：{sd.name}",
                                             f"Duplicate shared dimension name: {sd.name}"))
            self.shared[sd.name] = members

    def _index_columns(self, ds: DatasetDef) -> None:
        seen: dict[str, list[str]] = {}
        for f in ds.fields:
            if f.column and f.column != f.name:
                seen.setdefault(f.column, []).append(f.name)
        for column, names in seen.items():
            if len(names) == 1 and (ds.name, column) not in self.fields:
                self.by_column[(ds.name, column)] = names[0]
                self.bare_columns.setdefault(column, []).append((ds.name, names[0]))

    def field_key(self, dataset: str, name: str) -> tuple[str, str] | None:
        """The field `name` of `dataset`: its model name, or the physical column it reads (see by_column)."""
        if (dataset, name) in self.fields:
            return (dataset, name)
        if (dataset, name) in self.by_column:
            return (dataset, self.by_column[(dataset, name)])
        return None

    def _unknown_field(self, path: str, dataset: str, name: str) -> None:
        cands = {f for (d, f) in self.fields if d == dataset}
        zh, en = did_you_mean(name, cands)
        self.problems.append(Problem(path, f"数据集 {dataset} 没有字段 {name}。{zh}",
                                     f"Dataset {dataset} has no field {name}.{en}",
                                     (closest(name, cands) or [None])[0]))

    # -- lookups -------------------------------------------------------------------------
    def resolve_field(self, ref: str, *, dimension_only: bool = False) -> tuple[str, str]:
        """'dataset.field' or a bare field name unique in the model → (dataset, field). A field may also be
        named by its physical column (t.订单号, 订单号) when that is not another field's name."""
        parts = ref.split(".")
        found = self.field_key(parts[0], parts[1]) if len(parts) == 2 else None
        if found is not None:
            key = found
        elif len(parts) == 1 and len(self.bare.get(ref, [])) == 1:
            key = self.bare[ref][0]
        elif len(parts) == 1 and not self.bare.get(ref) and len(self.bare_columns.get(ref, [])) == 1:
            key = self.bare_columns[ref][0]
        elif len(parts) == 1 and len(self.bare.get(ref, [])) > 1:
            options = ", ".join(f"{d}.{f}" for d, f in self.bare[ref])
            raise ShuzhiError(
                "ambiguous_field",
                f"字段名 {ref} 不唯一，请写成 数据集.字段：{options}。",
                f"Field name {ref} is ambiguous; write dataset.field: {options}.",
                details={"field": ref, "candidates": [f"{d}.{f}" for d, f in self.bare[ref]]},
            )
        else:
            raise self.unknown_field(ref)
        if dimension_only and not self.fields[key].dimension:
            raise ShuzhiError(
                "not_a_dimension",
                f"{ref} 是度量字段，不能用来分组或筛选维度；请使用基于它的指标。",
                f"{ref} is a measure column, not a dimension; use a metric built on it.",
                details={"field": ref},
            )
        return key

    def unknown_field(self, ref: str) -> ShuzhiError:
        cands = {f"{d}.{f}" for (d, f) in self.fields} | set(self.bare)
        near = closest(ref, cands)
        zh = f"你是不是想用：{'、'.join(near)}？" if near else ""
        en = f" Did you mean: {', '.join(near)}?" if near else ""
        return ShuzhiError("unknown_field", f"找不到字段 {ref}。{zh}", f"Unknown field {ref}.{en}",
                           details={"field": ref, "suggestions": near})

    def metric(self, name: str) -> MetricDef:
        m = self.metrics.get(name)
        if m is None:
            raise self.unknown_metric(name)
        return m

    def unknown_metric(self, name: str) -> ShuzhiError:
        cands = set(self.metrics)
        near = closest(name, cands)
        labels = {mm.label: mm.name for mm in self.metrics.values()}
        near += [labels[x] for x in closest(name, set(labels)) if labels[x] not in near]
        zh = f"你是不是想用：{'、'.join(near)}？" if near else ""
        en = f" Did you mean: {', '.join(near)}?" if near else ""
        return ShuzhiError("unknown_metric", f"找不到指标 {name}。{zh}", f"Unknown metric {name}.{en}",
                           details={"metric": name, "suggestions": near})

    def join_path(self, start: str, target: str) -> list[JoinStep] | None:
        """Shortest join path, preferring paths that do not fan out."""
        if start == target:
            return []
        best: list[JoinStep] | None = None
        for allow_fanout in (False, True):
            seen = {start}
            queue: deque[tuple[str, list[JoinStep]]] = deque([(start, [])])
            while queue:
                node, path = queue.popleft()
                for step in self.edges.get(node, []):
                    if step.right in seen or (step.fans_out and not allow_fanout):
                        continue
                    new = [*path, step]
                    if step.right == target:
                        return new
                    seen.add(step.right)
                    queue.append((step.right, new))
        return best

    def shared_member(self, name: str, fact: str) -> tuple[str, str] | None:
        """The member of shared dimension `name` that `fact` reaches without fan-out (first listed wins)."""
        for ds, f in self.shared.get(name, []):
            path = self.join_path(fact, ds)
            if path is not None and not any(s.fans_out for s in path):
                return ds, f
        return None

    def time_fields(self, dataset: str) -> list[str]:
        return [f for (d, f), fd in self.fields.items() if d == dataset and fd.is_time]


def model_invalid(problems: list[Problem]) -> ShuzhiError:
    first = problems[0]
    more_zh = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
    more_en = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return ShuzhiError(
        "model_invalid",
        f"模型有误：{first.path}：{first.zh}{more_zh}",
        f"The model is invalid: {first.path}: {first.en}{more_en}",
        422,
        details={"problems": [p.as_dict() for p in problems]},
    )
