"""Departments in the catalog: paths made with their parents, bad paths refused, attributes inherited
down the tree (nearest wins), merged across departments into lists, the user's own attributes first;
groups for sharing include ancestors; removing a department takes its sub-departments and grants."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from shuzhi.catalog import grants as G
from shuzhi.catalog import org
from shuzhi.catalog.db import Catalog
from shuzhi.catalog.models import User
from shuzhi.catalog.org_models import ContentGrant
from shuzhi.errors import ShuzhiError


@pytest.fixture
def cat(tmp_path):  # type: ignore[no-untyped-def]
    c = Catalog(f"sqlite:///{tmp_path / 'meta.db'}")
    c.migrate()
    yield c
    c.dispose()


def _user(s, name: str, attrs: dict | None = None) -> User:  # type: ignore[no-untyped-def]
    u = User(username=name, role="viewer", password_hash="x", attributes=attrs or {})
    s.add(u)
    s.flush()
    return u


def test_tree_inheritance_and_merging(cat: Catalog) -> None:
    with cat.session() as s:
        org.add_department(s, " 华精科技 / 销售中心 ", {"plant": "常州工厂"})
        east = org.add_department(s, "华精科技/销售中心/华东销售部", {"region": "华东"})
        org.add_department(s, "华精科技/销售中心/华南销售部", {"region": "华南", "plant": "深圳工厂"})
        assert [d.path for d in org.list_departments(s)] == [
            "华精科技", "华精科技/销售中心", "华精科技/销售中心/华东销售部", "华精科技/销售中心/华南销售部"]
        assert east.parent is not None and east.parent.path == "华精科技/销售中心"
        assert org.inherited_attributes(east) == {"plant": "常州工厂", "region": "华东"}

        one = _user(s, "zhou")
        org.set_user_departments(s, one, ["华精科技/销售中心/华东销售部"])
        assert org.effective_attributes(one) == {"plant": "常州工厂", "region": "华东"}
        both = _user(s, "qian")
        org.set_user_departments(s, both, ["华精科技/销售中心/华东销售部", "华精科技/销售中心/华南销售部"])
        eff = org.effective_attributes(both)
        assert sorted(eff["region"]) == ["华东", "华南"] and sorted(eff["plant"]) == ["常州工厂", "深圳工厂"]
        own = _user(s, "sun", {"region": "华北"})
        org.set_user_departments(s, own, ["华精科技/销售中心/华东销售部"])
        assert org.effective_attributes(own)["region"] == "华北"
        ids = {d.path: d.id for d in org.list_departments(s)}
        assert org.group_ids(one) == {ids["华精科技"], ids["华精科技/销售中心"], ids["华精科技/销售中心/华东销售部"]}


@pytest.mark.parametrize("bad", ["", "/", "a//b", "x" * 65, "a/b\x07", "/".join("abcdefghijk")])
def test_bad_paths_are_refused(cat: Catalog, bad: str) -> None:
    with cat.session() as s, pytest.raises(ShuzhiError) as e:
        org.add_department(s, bad)
    assert e.value.code == "bad_department"


def test_removal_takes_sub_departments_and_their_grants(cat: Catalog) -> None:
    with cat.session() as s:
        org.add_department(s, "华精科技/研发中心/传动实验室")
        g = G.parse_grantee(s, "dept:华精科技/研发中心/传动实验室")
        G.grant(s, "dashboard", 1, g, "view", actor="admin")
        assert org.delete_department(s, "华精科技/研发中心") == 2
        assert [d.path for d in org.list_departments(s)] == ["华精科技"]
        assert s.scalars(select(ContentGrant)).all() == []
        with pytest.raises(ShuzhiError) as e:
            G.parse_grantee(s, "team:x")
        assert e.value.code == "bad_grantee"
