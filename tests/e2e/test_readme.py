"""The README's shell blocks, run as written against the local stack (only the two base URLs are
those of the test's stack), in the order a reader would run them: a block that talks to the API and
fails, or whose request gets a 4xx/5xx answer, fails this test. Blocks of make/sam/git commands are
what CI itself runs (make test, make lint, make build) or cannot run here (sam deploy): they are
listed, so that a new block must be placed in one group or the other."""

from __future__ import annotations

import re
import subprocess

import pytest

from infra.local.template import ROOT
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
NOT_RUN = {"git clone", "make test", "make session-keys", "make bench"}  # how each such block starts


def blocks() -> tuple[list[str], list[str]]:
    run, skipped = [], []
    for block in BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8")):
        (run if "curl " in block else skipped).append(block)
    return run, skipped


def test_every_block_is_run_or_known_not_to_be() -> None:
    run, skipped = blocks()
    assert len(run) >= 4
    assert {next(k for k in NOT_RUN if b.lstrip().startswith(k)) for b in skipped if
            any(b.lstrip().startswith(k) for k in NOT_RUN)} == NOT_RUN
    assert all(any(b.lstrip().startswith(k) for k in NOT_RUN) for b in skipped), skipped


def test_the_readme_journeys_work_as_written(stack: Stack) -> None:
    run, _ = blocks()
    script = "\n".join(run).replace("http://127.0.0.1:3000", stack.url).replace("http://127.0.0.1:3100",
                                                                                 stack.wechat_url)
    # curl answers 0 to a 4xx or 5xx; a reader would see the error body, so this test fails on it
    prelude = "set -euo pipefail\ncurl() { command curl --fail-with-body --max-time 120 \"$@\"; }\n"
    done = subprocess.run(["bash", "-c", prelude + script], cwd=ROOT, capture_output=True, text=True,  # noqa: S603,S607
                          timeout=900, check=False)
    assert done.returncode == 0, f"stdout:\n{done.stdout[-4000:]}\nstderr:\n{done.stderr[-4000:]}"
    out = done.stdout  # what the comments promise the reader (curl prints bodies without a newline)
    for promised in ('"PAID"', '"AWAITING_RETURN"', '"PROCESSING"', "SUCCEEDED"):
        assert promised in out, promised
    assert '"granted": true' in done.stdout or '"granted":true' in done.stdout  # the 3-friend reward
