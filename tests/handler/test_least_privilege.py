"""Least privilege, measured against what the handler tests do (tests/least_privilege.py records every
AWS call a function's handler makes while the tests run). tests/conftest.py runs this module after
every other test, so it judges the whole run.

- Every call a handler made is allowed by its function's role in template.yaml (a Query with
  IndexName on that index's ARN; a transaction's items as PutItem / UpdateItem / DeleteItem /
  ConditionCheckItem; GetSecretValue on the secret the function's environment names).
- When every handler test ran: each DynamoDB action a role grants on the table or an index is used
  by one of the role's functions (the role is exactly the union of its functions' needs); no function
  holds a write action or an index it does not use itself (readers write nothing, writers write only
  what they call); and every function whose role reaches the table made a call in the tests.
"""

from __future__ import annotations

import pytest

from infra.local.template import Template
from tests import least_privilege
from tests.handler.test_buying import ADDRESS, TEE, checkout, merchant_token, place
from tests.helpers import Api, login

WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}


# ------------------------------------------------------------------ calls no other handler test makes

@pytest.mark.usefixtures("seeded", "wechat")
def test_the_merchant_reads_any_order(api: Api) -> None:
    token = login(api, "least-privilege-buyer")
    address = api.post("/addresses", ADDRESS, token=token).json["id"]
    order = place(api, token, checkout(address, (TEE, 1)))
    assert order.status == 201, order.text
    order_id = order.json["order"]["id"]
    reply = api.get(f"/admin/orders/{order_id}", token=merchant_token())
    assert reply.status == 200, reply.text
    assert reply.json["id"] == order_id
    assert api.get("/admin/orders/o0000000000000000000000000", token=merchant_token()).status == 404


# ------------------------------------------------------------------ the judgement

def _require_complete() -> None:
    if not least_privilege.run_state["complete"]:
        pytest.skip(f"needs every handler test in the run ({least_privilege.run_state['why_partial']})")


def test_every_call_a_handler_made_is_allowed_by_its_role(template: Template) -> None:
    problems = least_privilege.violations(template, least_privilege.recorded)
    assert not problems, "calls the template does not allow:\n" + "\n".join(problems)


def test_every_dynamodb_grant_of_a_role_is_used_by_its_functions(template: Template) -> None:
    _require_complete()
    problems = least_privilege.unused(template, least_privilege.recorded)
    assert not problems, "grants no handler test uses:\n" + "\n".join(problems)


def test_no_function_holds_a_write_or_an_index_it_does_not_use(template: Template) -> None:
    _require_complete()
    roles = least_privilege.roles(template)
    problems = []
    for fn in template.functions():
        role = roles[least_privilege.role_of(template, fn.logical_id)]
        used = least_privilege.recorded.get(fn.logical_id, set())
        for action, resource in sorted(role.dynamodb_grants()):
            if action not in WRITES and "/index/" not in resource:
                continue  # reads of the table may come with the class
            if (action, resource) not in used:
                what = "the index " + resource.rsplit("/", 1)[1] if "/index/" in resource else "the table"
                problems.append(f"{fn.logical_id} may {action} on {what} through {role.logical_id} but never does")
    assert not problems, "\n".join(problems)


def test_every_function_that_reaches_the_table_was_seen_doing_so(template: Template) -> None:
    _require_complete()
    roles = least_privilege.roles(template)
    unseen = [fn.logical_id for fn in template.functions()
              if roles[least_privilege.role_of(template, fn.logical_id)].dynamodb_grants()
              and not any(a.startswith("dynamodb:") for a, _ in least_privilege.recorded.get(fn.logical_id, set()))]
    assert not unseen, f"no handler test exercises the table access of: {', '.join(unseen)}"
