"""save_model(make_default=True) makes the model the default even when its definition is unchanged
(`shuzhi model apply --default` of the YAML already applied was ignored)."""

from __future__ import annotations

from shuzhi.catalog import Catalog
from shuzhi.catalog.semantic import get_model, save_model
from shuzhi.model.schema import SemanticModel


def _model(name: str) -> SemanticModel:
    return SemanticModel.model_validate({"name": name, "datasets": [
        {"name": "t", "table": "t", "fields": [{"name": "a", "type": "string"}]}]})


def test_default_is_set_even_when_the_yaml_is_unchanged(metadata_url: str) -> None:
    cat = Catalog(metadata_url)
    cat.migrate()
    with cat.session() as s:
        assert save_model(s, _model("first"), actor="t") == 1
        assert save_model(s, _model("second"), actor="t") == 1
        assert get_model(s)[0].name == "first"
        assert save_model(s, _model("second"), actor="t", make_default=True) == 1  # same definition: no new version
        assert get_model(s)[0].name == "second"
        assert save_model(s, _model("first"), actor="t") == 1  # without --default nothing moves
        assert get_model(s)[0].name == "second"
    cat.dispose()
