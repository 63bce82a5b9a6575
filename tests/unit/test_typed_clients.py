"""The typed TypeScript clients (infra/tools/ts_client.py, from docs/openapi.json) are what the shop
front end and the console call the API with: both projects type-check against them, and a call
that does not match the API (a wrong argument type, an unknown field or operation, an error code
the API never answers) is a compile error, not a bug found in a browser."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from infra.local.template import ROOT
from infra.tools import ts_client

PROJECTS = {"miniprogram": ROOT / "miniprogram", "console": ROOT / "console"}


def _tsc(project: Path) -> Path:
    tsc = project / "node_modules" / ".bin" / "tsc"
    if not tsc.exists():
        pytest.fail(f"{tsc.relative_to(ROOT)} is missing: run `make miniprogram console` (make test does)")
    return tsc


@pytest.mark.parametrize("name", sorted(PROJECTS))
def test_the_project_type_checks_against_its_client(name: str) -> None:
    project = PROJECTS[name]
    run = subprocess.run([str(_tsc(project)), "-p", "."], cwd=project, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


MISUSES = {
    "a number where the API takes a string id": "api.getProduct(42)",
    "a body field the API does not have": "api.putCartItem('sku-1', { qty: 1 })",
    "a body without a required field": "api.parseAddress({})",
    "an operation the API does not have": "api.deleteProduct('p-1')",
    "an error code the API never answers": "const code: ErrorCode = 'no_such_code'",
    "a query parameter the route does not take": "api.listProducts({ colour: 'red' })",
    "a sort the route does not know": "api.listProducts({ sort: 'cheapest' })",
}


def test_calls_that_do_not_match_the_api_do_not_compile(tmp_path: Path) -> None:
    target = next(t for t in ts_client.TARGETS if t.path.is_relative_to(PROJECTS["miniprogram"]))
    lines = [f"import {{ createClient, type ErrorCode }} from '{target.path.with_suffix('').as_posix()}'",
             "const api = createClient(async () => null)",
             "api.getProduct('p-1').then((p) => p.skus.map((s) => s.price))"]  # a correct call, for contrast
    first = len(lines) + 1
    lines += [f"{code} // {why}" for why, code in MISUSES.items()]
    probe = tmp_path / "probe.ts"
    probe.write_text("\n".join(lines) + "\n", "utf-8")
    run = subprocess.run(
        [str(_tsc(PROJECTS["miniprogram"])), "--noEmit", "--strict", "--target", "es2020", "--lib", "es2020",
         "--moduleResolution", "bundler", "--module", "esnext", str(probe)],
        capture_output=True, text=True, timeout=300)
    failing = {int(m.group(1)) for m in re.finditer(r"probe\.ts\((\d+),\d+\): error", run.stdout)}
    expected = set(range(first, first + len(MISUSES)))
    assert failing == expected, (
        f"lines that should not compile: {sorted(expected)}, lines that did not: {sorted(failing)}\n{run.stdout}")
