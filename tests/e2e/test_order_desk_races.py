"""Merchant remarks racing each other over HTTP against the concurrent local stack: a remark is
written in a transaction conditional on the remarks being as they were read (``remark_seq``), so
staff writing at the same moment never lose each other's remarks; each has its audit entry."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_buying_journey import PICKUP, login, merchant, order

pytestmark = pytest.mark.e2e


def test_concurrent_remarks_are_all_kept(stack: Stack) -> None:
    token = login(stack, "desk-race-" + uuid.uuid4().hex[:6])
    created = order(stack, token, {"items": [{"sku_id": "p-mug.01", "quantity": 1}], **PICKUP}).json["order"]
    texts = [f"备注-{n}" for n in range(12)]
    staff = merchant()
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(lambda text: stack.post(f"/admin/orders/{created['id']}/remarks", {"text": text},
                                                        token=staff), texts))
    assert [r.status for r in replies] == [201] * len(texts), [r.text for r in replies if r.status != 201]
    detail = stack.get(f"/admin/orders/{created['id']}", token=staff).json
    assert sorted(r["text"] for r in detail["remarks"]) == sorted(texts)
    assert [e["kind"] for e in detail["timeline"]].count("remark") == len(texts)
    mine = stack.get(f"/orders/{created['id']}", token=token)
    assert "备注-" not in mine.text
