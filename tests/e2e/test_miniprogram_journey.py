"""A mini-program against the local stack, over HTTP, as wx.request would call it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import boto3
import pytest

from tests.e2e.conftest import REQUEST_TIMEOUT, Stack

pytestmark = pytest.mark.e2e


def test_login_then_profile(stack: Stack) -> None:
    login = stack.post("/auth/login", {"code": "e2e-shopper"})
    assert login.status == 200, login.text
    assert login.headers["content-type"].startswith("application/json")
    token = login.json["token"]
    me = stack.get("/me", token=token)
    assert me.status == 200
    assert me.json["id"] == login.json["user_id"]
    again = stack.post("/auth/login", {"code": "e2e-shopper"}).json
    assert again["user_id"] == login.json["user_id"] and again["is_new_user"] is False


def test_browse_the_catalog_like_the_home_page(stack: Stack) -> None:
    categories = stack.get("/categories")
    assert categories.status == 200 and len(categories.json["items"]) >= 3
    assert "max-age" in categories.headers["cache-control"]

    seen, cursor, pages = [], None, 0
    while True:
        page = stack.get("/products?sort=sales&limit=5" + (f"&cursor={cursor}" if cursor else "")).json
        seen += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert pages >= 3 and len(seen) >= 12 and len({p["id"] for p in seen}) == len(seen)
    sales = [p["sales"] for p in seen]
    assert sales == sorted(sales, reverse=True)

    category = categories.json["items"][0]["id"]
    in_category = stack.get(f"/products?category={category}").json["items"]
    assert in_category and all(p["category_id"] == category for p in in_category)

    found = stack.get("/products?q=" + quote("T恤")).json["items"]
    assert [p["id"] for p in found] == ["p-tee-basic"]

    detail = stack.get(f"/products/{seen[0]['id']}")
    assert detail.status == 200
    assert detail.json["skus"] and all(isinstance(s["price"], int) for s in detail.json["skus"])


def test_not_found_and_bad_input_over_http(stack: Stack) -> None:
    assert stack.get("/products/p-nope").error_code == "product_not_found"
    assert stack.get("/products?limit=0").status == 400
    assert stack.get("/products?cursor=garbage").error_code == "invalid_cursor"
    bad_json = stack.request("POST", "/auth/login", data=b'{"code":', headers={"Content-Type": "application/json"})
    assert (bad_json.status, bad_json.error_code) == (400, "malformed_json")
    assert stack.post("/auth/login", {"code": 42}).error_code == "invalid_request"
    assert stack.post("/auth/login", {"code": "invalid"}).status == 401
    huge = stack.post("/auth/login", {"code": "x", "pad": "y" * 50_000})
    assert (huge.status, huge.error_code) == (413, "payload_too_large")
    unknown = stack.get("/no/such/route")
    assert (unknown.status, unknown.error_code) == (404, "route_not_found")
    wrong = stack.request("DELETE", "/products")
    assert (wrong.status, wrong.headers["allow"]) == (405, "GET")
    assert stack.get("/me").status == 401


def test_concurrent_first_logins_create_exactly_one_user(stack: Stack) -> None:
    """Twenty first logins with one openid at once, served by parallel workers against DynamoDB's
    conditional writes: one user, one is_new_user."""
    with ThreadPoolExecutor(max_workers=20) as pool:
        replies = list(pool.map(lambda _: stack.post("/auth/login", {"code": "e2e-race"}), range(20)))
    assert all(r.status == 200 for r in replies), [r.text for r in replies if r.status != 200]
    assert len({r.json["user_id"] for r in replies}) == 1
    assert sum(r.json["is_new_user"] for r in replies) == 1


def test_concurrent_logins_of_different_users(stack: Stack) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        replies = list(pool.map(lambda i: stack.post("/auth/login", {"code": f"e2e-crowd-{i}"}), range(32)))
    assert all(r.status == 200 and r.json["is_new_user"] for r in replies), [(r.status, r.text[:300]) for r in replies if r.status != 200 or not r.json["is_new_user"]]
    assert len({r.json["user_id"] for r in replies}) == 32


def test_session_keys_never_leave_the_server(stack: Stack) -> None:
    """WeChat's session_key is not kept at all, and the openids (in the table) appear in no response
    and no log."""
    replies = [stack.post("/auth/login", {"code": f"e2e-secret-{i}"}) for i in range(3)]
    replies += [stack.get("/me", token=r.json["token"]) for r in replies]
    ddb = boto3.client("dynamodb", endpoint_url=stack.moto_url, region_name="us-east-1",
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    table = next(t for t in ddb.list_tables()["TableNames"] if t.endswith("ShopTable"))
    identities = ddb.scan(TableName=table, FilterExpression="begins_with(PK, :o)",
                          ExpressionAttributeValues={":o": {"S": "OPENID#"}})["Items"]
    assert len(identities) >= 3 and not [i for i in identities if "session_key" in i]
    openids = [i["PK"]["S"].removeprefix("OPENID#") for i in identities]
    log = stack.log.read_text()
    assert "login" in log  # the functions' logs are there
    assert '"session_key"' not in log
    for secret in openids:
        assert secret not in log
        assert all(secret not in r.text for r in replies)


def test_the_wechat_pay_simulator_is_served_and_insists_on_signatures(stack: Stack) -> None:
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(stack.wechat_url + "/v3/pay/transactions/jsapi", data=b"{}", method="POST",
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT)
    assert err.value.code == 401
    assert json.loads(err.value.read())["code"] == "SIGN_ERROR"
    assert err.value.headers["Wechatpay-Serial"].startswith("PUB_KEY_ID_")
