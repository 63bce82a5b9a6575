"""The shared layer's import contract (pyproject.toml, [tool.importlinter]): edge -> contexts ->
adapters -> core, users/buying above growth above catalog, and no cycle between sibling packages or
modules. Run with import-linter over the real layer, and over a copy with one bad import added, to
show the contract bites."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from infra.local.template import ROOT

LAYER = ROOT / "layers" / "shop"


def _lint(layer: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(layer)}
    return subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
         str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=layer, env=env, capture_output=True, text=True, timeout=120,
    )


def test_the_layer_keeps_its_import_contract() -> None:
    result = _lint(LAYER)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("shop/core/money.py", "from shop.edge import api  # noqa", "edge -> contexts -> adapters -> core"),
    ("shop/catalog/skus.py", "from shop.buying import orders  # noqa", "never the other way"),
    ("shop/buying/orders.py", "def _late():\n    from shop.buying import purchase  # noqa", "no import cycles"),
])
def test_a_wrong_import_breaks_the_contract(tmp_path: Path, module: str, line: str, broken: str) -> None:
    copy = tmp_path / "shop-layer"
    shutil.copytree(LAYER / "shop", copy / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / module).open("a", encoding="utf-8") as fh:
        fh.write("\n\n" + line + "\n")
    result = _lint(copy)
    assert result.returncode != 0
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout
