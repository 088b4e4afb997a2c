"""Models as YAML: load with errors that name the file, the line and the field; dump stably.

The loader follows YAML 1.2 for booleans (only true/false), so a join's `on:` key or a value like
`no` stays text. Errors from pydantic (shape) and from ModelIndex (references) are mapped back to
the line of the offending node, and carry the closest known name when there is one.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from pydantic import ValidationError

from shuzhi.errors import ShuzhiError
from shuzhi.model.index import ModelIndex
from shuzhi.model.schema import SemanticModel


class _Loader(yaml.SafeLoader):
    pass


# YAML 1.2 booleans only: drop the 1.1 resolver and add one that knows true/false.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the node at loc (keys / indexes), or of its closest existing parent."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
        else:
            nxt = None
        if nxt is None:
            break
        node = nxt
        line = node.start_mark.line + 1
    return line


def _path_to_loc(path: str) -> tuple[Any, ...]:
    out: list[Any] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        out.append(int(token[1:-1]) if token.startswith("[") else token)
    return tuple(out)


def _loc_text(loc: tuple[Any, ...]) -> str:
    s = ""
    for p in loc:
        s += f"[{p}]" if isinstance(p, int) else (f".{p}" if s else str(p))
    return s


def load_model_yaml(text: str, filename: str = "model.yaml", *, check: bool = True) -> SemanticModel:
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}" if mark else filename
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ShuzhiError("model_yaml_syntax", f"{where}：YAML 语法错误：{problem}",
                          f"{where}: YAML syntax error: {problem}") from None
    if not isinstance(data, dict):
        raise ShuzhiError("model_yaml_shape", f"{filename}：模型文件的顶层必须是键值对（name、datasets、metrics …）。",
                          f"{filename}: the top level of a model file must be a mapping (name, datasets, metrics …).")
    try:
        model = SemanticModel.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(p for p in e.get("loc", ()) if not (isinstance(p, str) and "[" in p))
            problems.append({"file": filename, "line": _line_of(root, loc), "field": _loc_text(loc),
                             "message_en": e.get("msg", "")})
        first = problems[0]
        raise ShuzhiError(
            "model_invalid",
            f"{filename}:{first['line']}：{first['field']}：{first['message_en']}"
            + (f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""),
            f"{filename}:{first['line']}: {first['field']}: {first['message_en']}"
            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
            422, details={"problems": problems},
        ) from None
    if check:
        try:
            ModelIndex.build(model)
        except ShuzhiError as err:
            if err.code != "model_invalid":
                raise
            problems = []
            for p in err.details["problems"]:
                loc = _path_to_loc(p["path"])
                problems.append({**p, "file": filename, "line": _line_of(root, loc), "field": p["path"]})
            first = problems[0]
            hint_zh = f"（建议：{first['suggestion']}）" if first.get("suggestion") else ""
            hint_en = f" (suggestion: {first['suggestion']})" if first.get("suggestion") else ""
            raise ShuzhiError(
                "model_invalid",
                f"{filename}:{first['line']}：{first['field']}：{first['message_zh']}{hint_zh}",
                f"{filename}:{first['line']}: {first['field']}: {first['message_en']}{hint_en}",
                422, details={"problems": problems},
            ) from None
    return model


def dump_model_yaml(model: SemanticModel) -> str:
    data = model.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
