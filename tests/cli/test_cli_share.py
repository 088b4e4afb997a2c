"""`shuzhi share create|list|revoke`, in process (CliRunner), over a demo with its dashboards."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from shuzhi.cli import app
from shuzhi_testing import client_over, demo_file, login

pytestmark = pytest.mark.slow  # a demo app (~3 s)


@pytest.fixture
def home(make_client, settings, tmp_path_factory, monkeypatch):  # type: ignore[no-untyped-def]
    path = demo_file(tmp_path_factory.getbasetemp(), scale=0.01, seed=5, end="2026-10-31")
    c = client_over(make_client, settings, path, dashboards=True)
    h = login(c)
    r = c.post(
        "/api/v1/users",
        json={
            "username": "boss",
            "password": "Boss-Pass-0917",
            "role": "viewer",
            "attributes": {"region": "华东"},
        },
        headers=h,
    )
    assert r.status_code == 201
    monkeypatch.setenv("SHUZHI_LANG", "en")
    monkeypatch.setenv("SHUZHI_PUBLIC_URL", "https://bi.example.com/")
    from shuzhi.settings import get_settings

    get_settings.cache_clear()
    return c


def test_create_list_revoke(home) -> None:  # type: ignore[no-untyped-def]
    run = CliRunner().invoke
    r = run(app, ["share", "create", "--dashboard", "sales", "--days", "3", "--as", "boss"])
    assert r.exit_code == 0, r.output
    link = r.stdout.strip().splitlines()[-1]
    assert link.startswith("https://bi.example.com/share#szs_")  # printed last, with the public URL
    anon = type(home)(home.app, raise_server_exceptions=False)
    assert anon.get("/api/v1/public/share", headers={"X-Share-Token": link.split("#")[1]}).status_code == 200

    r = run(
        app,
        ["share", "create", "--dashboard", "sales", "--days", "0", "--password-stdin"],
        input="码头-2026\n",
    )
    assert r.exit_code == 0, r.output
    second = r.stdout.strip().splitlines()[-1]

    r = run(app, ["share", "list"])
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert lines[0].split("\t") == [
        "id",
        "dashboard",
        "as user",
        "created by",
        "expires",
        "password",
        "views",
        "status",
    ]
    first, other = lines[1].split("\t"), lines[2].split("\t")
    assert first[1:4] == ["sales", "boss", "cli"] and first[5:] == ["no", "1", "active"]
    assert other[2] == "admin" and other[4] == "never" and other[5] == "yes"  # default: the owner; 0 = never
    assert "szs_" not in r.stdout  # the list never shows links

    assert run(app, ["share", "revoke", link]).exit_code == 0
    assert anon.get("/api/v1/public/share", headers={"X-Share-Token": link.split("#")[1]}).status_code == 410
    r = run(app, ["share", "revoke", second.split("#")[1]])
    assert r.exit_code == 0 and "revoked" in r.stdout
    assert run(app, ["share", "list"]).stdout.count("revoked") == 2


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["--dashboard", "nope"], None, "does not exist"),
        (["--dashboard", "sales", "--days", "9999"], None, "never expires"),
        (["--dashboard", "sales", "--as", "nobody"], None, "nobody"),
        (["--dashboard", "sales", "--password-stdin"], "123\n", "6 to 128"),
    ],
)
def test_bad_input_exits_1(home, args, stdin, needle) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(app, ["share", "create", *args], input=stdin)
    assert r.exit_code == 1 and needle in r.output and "Traceback" not in r.output
    assert "szs_" not in r.output


def test_revoke_unknown(home) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(app, ["share", "revoke", "424242"])
    assert r.exit_code == 1 and "No share link" in r.output


def test_embed_scoped_token(home) -> None:  # type: ignore[no-untyped-def]
    r = CliRunner().invoke(
        app, ["token", "create", "portal", "--user", "admin", "--scope", "embed", "--days", "30"]
    )
    assert r.exit_code == 0, r.output
    raw = r.stdout.strip().splitlines()[0]
    anon = type(home)(home.app, raise_server_exceptions=False)
    bearer = {"Authorization": f"Bearer {raw}"}
    assert anon.post("/api/v1/embed/tokens", json={"dashboard": "sales"}, headers=bearer).status_code == 201
    assert anon.get("/api/v1/dashboards", headers=bearer).status_code == 403
