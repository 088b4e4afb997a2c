"""Direct-mode test helpers: a connection and the demo model answered live on it."""

from __future__ import annotations


def add_direct_model(rt, db_info: dict[str, object], name: str, *, default: bool = False,  # type: ignore[no-untyped-def]
                     row_rules: list[dict[str, str]] | None = None) -> str:
    """A connection to `db_info` and the demo model saved as `name` with `connection:` set to it."""
    from shuzhi.catalog.semantic import save_model
    from shuzhi.demo.semantic import demo_model
    from shuzhi.service import connections as conns
    from shuzhi.sources.databases import ConnectionParts

    conn = f"{name}_conn"
    with rt.catalog.session() as db:
        conns.create(rt, db, conn, ConnectionParts(str(db_info["kind"]), "127.0.0.1", int(db_info["port"]),  # type: ignore[call-overload]
                                                   str(db_info["database"]), str(db_info["username"])), None)
        update: dict[str, object] = {"name": name, "connection": conn}
        if row_rules is not None:
            base = demo_model().model_dump(mode="json", by_alias=True)
            base.update(update, row_rules=row_rules)
            from shuzhi.model.schema import SemanticModel

            model = SemanticModel.model_validate(base)
        else:
            model = demo_model().model_copy(update=update)
        save_model(db, model, actor="test", make_default=default, may_change_rules=True)
        db.commit()
    return name
