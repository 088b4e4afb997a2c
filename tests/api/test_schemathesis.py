"""Schemathesis over the whole OpenAPI document, as an administrator and as a viewer (issue 12).

Every operation gets a few generated requests (valid and invalid shapes) against the real app in
process (a small demo warehouse with its model). No answer may be a 5xx, and no body may carry a
Python traceback. Failures are collected and reported together (route, status, input, body head).
"""

from __future__ import annotations

import warnings

import pytest

from shuzhi_testing import TEST_PASSWORD, login

pytestmark = pytest.mark.slow

# per operation and generation mode: the admin reaches every handler's body; the viewer's requests mostly
# meet the permission check first, so fewer of them find anything new (about a minute in all on two cores)
EXAMPLES = {"admin": 4, "viewer": 2}
# Operations that would end the test's own access (revoking its token) are left out, and so is a channel's
# test send: it would post a real message to whatever address a generated channel names (tests send only to
# 127.0.0.1; tests/delivery covers the route).
SKIP = {("DELETE", "/api/v1/auth/tokens/{token_id}"), ("POST", "/api/v1/channels/{name}/test")}


def _token(client, username: str, password: str) -> str:  # type: ignore[no-untyped-def]
    h = login(client, username, password)
    r = client.post("/api/v1/auth/tokens", json={"name": f"schemathesis-{username}"}, headers=h)
    assert r.status_code == 201, r.text
    return r.json()["token"]


def _run(schema, token: str, failures: list[str], statuses: dict[int, int], examples: int) -> int:  # type: ignore[no-untyped-def]
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis import GenerationMode

    calls = 0
    for result in schema.get_all_operations():
        op = result.ok()
        if (op.method.upper(), op.path) in SKIP:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate],
                      suppress_health_check=list(HealthCheck))
            @given(case=op.as_strategy(generation_mode=mode))
            def probe(case) -> None:  # type: ignore[no-untyped-def]
                nonlocal calls
                calls += 1
                try:
                    r = case.call(headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
                except Exception as exc:  # noqa: BLE001 - the in-process client re-raises what became a 500
                    failures.append(f"{case.method} {case.formatted_path} → 500 ({type(exc).__name__}: "
                                    f"{str(exc).splitlines()[0][:160]}): query={case.query} body={str(case.body)[:200]}")
                    return
                statuses[r.status_code // 100] = statuses.get(r.status_code // 100, 0) + 1
                text = (r.content or b"").decode("utf-8", errors="replace")  # files (XLSX, PDF) are bytes
                if r.status_code >= 500 or "Traceback" in text:
                    failures.append(f"{case.method} {case.formatted_path} → {r.status_code}: "
                                    f"query={case.query} body={str(case.body)[:200]} | {text[:200]}")

            try:
                probe()
            except Unsatisfiable:  # no invalid request exists (an operation without parameters)
                pass
    return calls


def test_no_5xx_and_no_tracebacks_for_admin_and_viewer(demo_api) -> None:  # type: ignore[no-untyped-def]
    import schemathesis

    client = demo_api(scale=0.01, seed=5)
    h = login(client)
    r = client.post("/api/v1/users", json={"username": "st_viewer", "password": "Viewer-Pass-2468", "role": "viewer"},
                    headers=h)
    assert r.status_code == 201, r.text
    tokens = {"admin": _token(client, "admin", TEST_PASSWORD),
              "viewer": _token(client, "st_viewer", "Viewer-Pass-2468")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = schemathesis.openapi.from_asgi("/openapi.json", client.app)
    failures: list[str] = []
    statuses: dict[int, int] = {}
    calls = 0
    for role in ("viewer", "admin"):  # the viewer first: the admin's calls may change the data
        calls += _run(schema, tokens[role], failures, statuses, EXAMPLES[role])
    assert calls > 300 and statuses.get(2, 0) > 50, statuses  # the tokens work: real answers too
    assert not failures, f"{len(failures)} failing requests:\n" + "\n".join(failures[:40])
