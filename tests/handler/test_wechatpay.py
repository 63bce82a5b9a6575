"""The shop's WeChat Pay v3 adapter against the WeChat Pay simulator: signed requests, verified
answers, wx.requestPayment parameters, notifications (verification order, decryption, retries),
refunds. Each side checks the other with its own code, so a signing mistake cannot cancel out."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from infra.local.wechat_sim import WeChatSimulator
from infra.local.wechatpay_sim import WeChatPaySimulator
from shop.core.errors import ServiceUnavailable, UpstreamError
from shop.adapters.wechat.pay import NotificationRejected, PayApiError, PayConfig, WeChatPay
from tests.conftest import APIV3_KEY, APP_ID, APP_SECRET, MCH_ID, rsa_pair
from tests.conftest import MERCHANT_PRIVATE_KEY as MERCHANT_PRIVATE
from tests.conftest import MERCHANT_PUBLIC_KEY as MERCHANT_PUBLIC
from tests.conftest import MERCHANT_SERIAL as SERIAL
from tests.conftest import PLATFORM_PRIVATE_KEY as PLATFORM_PRIVATE
from tests.conftest import PLATFORM_PUBLIC_KEY as PLATFORM_PUBLIC
from tests.conftest import PUBLIC_KEY_ID as KEY_ID
from tests.helpers import NotifySink


@pytest.fixture
def pay_sim() -> Iterator[WeChatPaySimulator]:
    sim = WeChatPaySimulator(app_id=APP_ID, mch_id=MCH_ID, merchant_serial_no=SERIAL,
                             merchant_public_key_pem=MERCHANT_PUBLIC, platform_private_key_pem=PLATFORM_PRIVATE,
                             public_key_id=KEY_ID, apiv3_key=APIV3_KEY, retry_scale=0.002, refund_delay=-1)
    server = WeChatSimulator(app_id=APP_ID, app_secret=APP_SECRET, pay=sim).start()
    sim.base_url = server.url  # type: ignore[attr-defined]
    yield sim
    server.stop()


@pytest.fixture
def config(pay_sim: WeChatPaySimulator) -> PayConfig:
    return PayConfig(mch_id=MCH_ID, app_id=APP_ID, serial_no=SERIAL, private_key_pem=MERCHANT_PRIVATE,
                     apiv3_key=APIV3_KEY, public_key_id=KEY_ID, public_key_pem=PLATFORM_PUBLIC,
                     base_url=pay_sim.base_url, timeout=2)  # type: ignore[attr-defined]


@pytest.fixture
def pay(config: PayConfig) -> WeChatPay:
    return WeChatPay(config)


@pytest.fixture
def sink() -> Iterator[NotifySink]:
    s = NotifySink()
    yield s
    s.stop()


def _prepay(pay: WeChatPay, sink: NotifySink, no: str = "ORDER20261125001", total: int = 12990) -> str:
    return pay.jsapi_prepay(out_trade_no=no, description="纯棉圆领短袖T恤 x1", total=total, openid="o-user-1",
                            notify_url=sink.url)


def test_prepay_query_and_idempotent_retry(pay: WeChatPay, sink: NotifySink) -> None:
    prepay_id = _prepay(pay, sink)
    assert prepay_id.startswith("wx")
    assert _prepay(pay, sink) == prepay_id  # a retried prepay is the same prepay
    t = pay.query("ORDER20261125001")
    assert (t["trade_state"], t["amount"]["total"], t["mchid"], t["appid"]) == ("NOTPAY", 12990, MCH_ID, APP_ID)


def test_reusing_an_out_trade_no_for_another_amount_is_refused(pay: WeChatPay, sink: NotifySink) -> None:
    _prepay(pay, sink)
    with pytest.raises(PayApiError) as err:
        _prepay(pay, sink, total=1)
    assert (err.value.status, err.value.code) == (400, "INVALID_REQUEST")


def test_amounts_must_be_positive_integer_fen(pay: WeChatPay, sink: NotifySink) -> None:
    for bad in (0, -5, 12.5, True):
        with pytest.raises(ValueError):
            _prepay(pay, sink, total=bad)  # type: ignore[arg-type]


def test_unknown_order_is_order_not_exist(pay: WeChatPay) -> None:
    with pytest.raises(PayApiError) as err:
        pay.query("NO-SUCH-ORDER-1")
    assert (err.value.status, err.value.code) == (404, "ORDER_NOT_EXIST")


def test_wrong_merchant_key_is_sign_error(config: PayConfig, sink: NotifySink) -> None:
    impostor = WeChatPay(replace(config, private_key_pem=rsa_pair()[0]))
    with pytest.raises(PayApiError) as err:
        _prepay(impostor, sink)
    assert (err.value.status, err.value.code) == (401, "SIGN_ERROR")


def test_answers_that_do_not_verify_are_not_believed(config: PayConfig, sink: NotifySink) -> None:
    fooled = WeChatPay(replace(config, public_key_pem=rsa_pair()[1]))
    with pytest.raises(UpstreamError) as err:
        _prepay(fooled, sink)
    assert err.value.code == "wechatpay_unverified"


def test_unreachable_wechat_pay_is_503(config: PayConfig, sink: NotifySink) -> None:
    with pytest.raises(ServiceUnavailable):
        _prepay(WeChatPay(replace(config, base_url="http://127.0.0.1:9")), sink)


def test_payment_params_are_signed_for_wx_request_payment(pay: WeChatPay) -> None:
    params = pay.payment_params("wx2511A", timestamp=1795600000, nonce_str="N0NCE")
    assert params["package"] == "prepay_id=wx2511A" and params["signType"] == "RSA"
    message = f"{APP_ID}\n1795600000\nN0NCE\nprepay_id=wx2511A\n".encode()
    serialization.load_pem_public_key(MERCHANT_PUBLIC.encode()).verify(
        base64.b64decode(params["paySign"]), message, padding.PKCS1v15(), hashes.SHA256())


def test_paying_sends_a_notification_that_verifies_and_decrypts(pay: WeChatPay, pay_sim: WeChatPaySimulator,
                                                                sink: NotifySink) -> None:
    _prepay(pay, sink)
    pay_sim.pay(out_trade_no="ORDER20261125001")
    (headers, body), = sink.wait_for(1)
    note = pay.parse_notification(headers, body)
    assert note.event_type == "TRANSACTION.SUCCESS"
    t = note.resource
    assert (t["out_trade_no"], t["trade_state"], t["amount"]["total"], t["mchid"], t["appid"]) == (
        "ORDER20261125001", "SUCCESS", 12990, MCH_ID, APP_ID)
    assert t["transaction_id"] and t["payer"]["openid"] == "o-user-1"
    assert pay.query("ORDER20261125001")["trade_state"] == "SUCCESS"


def _a_notification(pay: WeChatPay, pay_sim: WeChatPaySimulator, sink: NotifySink) -> tuple[dict[str, str], bytes]:
    _prepay(pay, sink)
    pay_sim.pay(out_trade_no="ORDER20261125001")
    return sink.wait_for(1)[0]


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda h, b: ({k: v for k, v in h.items() if k != "wechatpay-signature"}, b), "missing wechatpay-signature"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "wechatpay-timestamp"}, b), "missing wechatpay-timestamp"),
        (lambda h, b: ({**h, "wechatpay-signature": "WECHATPAY/SIGNTEST/abc"}, b), "signature probe"),
        (lambda h, b: ({**h, "wechatpay-timestamp": str(int(time.time()) - 400)}, b), "stale timestamp"),
        (lambda h, b: ({**h, "wechatpay-serial": "PUB_KEY_ID_OTHER"}, b), "unknown serial"),
        (lambda h, b: (h, b.replace(b'"TRANSACTION.SUCCESS"', b'"TRANSACTION.SUCCESS" ')), "bad signature"),
        (lambda h, b: ({**h, "wechatpay-nonce": "other"}, b), "bad signature"),
        (lambda h, b: ({**h, "wechatpay-signature": base64.b64encode(b"x" * 256).decode()}, b), "bad signature"),
    ],
)
def test_notification_checks(pay: WeChatPay, pay_sim: WeChatPaySimulator, sink: NotifySink, mangle, reason: str) -> None:
    headers, body = mangle(*_a_notification(pay, pay_sim, sink))
    with pytest.raises(NotificationRejected) as err:
        pay.parse_notification(headers, body)
    assert err.value.reason == reason


def test_wrong_apiv3_key_cannot_decrypt(config: PayConfig, pay: WeChatPay, pay_sim: WeChatPaySimulator,
                                        sink: NotifySink) -> None:
    headers, body = _a_notification(pay, pay_sim, sink)
    with pytest.raises(NotificationRejected) as err:
        WeChatPay(replace(config, apiv3_key="x" * 32)).parse_notification(headers, body)
    assert err.value.reason == "decryption failed"


def test_a_validly_signed_but_tampered_ciphertext_is_refused(pay: WeChatPay, pay_sim: WeChatPaySimulator) -> None:
    headers, body = pay_sim.notification("TRANSACTION.SUCCESS", "transaction", {"out_trade_no": "X"}, "支付成功")
    envelope = json.loads(body)
    raw = bytearray(base64.b64decode(envelope["resource"]["ciphertext"]))
    raw[0] ^= 1
    envelope["resource"]["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    forged = json.dumps(envelope).encode()
    resigned = {**pay_sim.signed_headers(forged)}  # signed by the platform key, so only AES-GCM can tell
    with pytest.raises(NotificationRejected) as err:
        pay.parse_notification(resigned, forged)
    assert err.value.reason == "decryption failed"


def test_failed_deliveries_are_retried_until_acknowledged(pay: WeChatPay, pay_sim: WeChatPaySimulator) -> None:
    sink = NotifySink(statuses=[500, 401])
    try:
        _prepay(pay, sink)
        pay_sim.pay(out_trade_no="ORDER20261125001")
        received = sink.wait_for(3)
        assert len(received) == 3 and received[0][1] == received[2][1]  # the same notification each time
        time.sleep(0.1)
        assert pay_sim.deliveries[-1].attempts == [500, 401, 200] and pay_sim.deliveries[-1].delivered
    finally:
        sink.stop()


def test_close_then_pay_is_refused(pay: WeChatPay, pay_sim: WeChatPaySimulator, sink: NotifySink) -> None:
    _prepay(pay, sink)
    pay.close("ORDER20261125001")
    assert pay.query("ORDER20261125001")["trade_state"] == "CLOSED"
    from infra.local.wechatpay_sim import PayError

    with pytest.raises(PayError):
        pay_sim.pay(out_trade_no="ORDER20261125001")


def test_refund_lifecycle(pay: WeChatPay, pay_sim: WeChatPaySimulator, sink: NotifySink) -> None:
    _prepay(pay, sink)
    pay_sim.pay(out_trade_no="ORDER20261125001")
    sink.wait_for(1)
    r = pay.refund(out_trade_no="ORDER20261125001", out_refund_no="REFUND2026112501", refund=7900, total=12990,
                   reason="尺码不合适", notify_url=sink.url)
    assert (r["status"], r["amount"]["refund"]) == ("PROCESSING", 7900)
    assert pay.refund(out_trade_no="ORDER20261125001", out_refund_no="REFUND2026112501", refund=7900,
                      total=12990)["refund_id"] == r["refund_id"]  # a retried refund is the same refund
    with pytest.raises(PayApiError) as err:
        pay.refund(out_trade_no="ORDER20261125001", out_refund_no="REFUND2026112502", refund=5091, total=12990)
    assert err.value.code == "INVALID_REQUEST"  # more than is left to refund (NOT_ENOUGH is the balance)
    pay_sim.settle_refund("REFUND2026112501", "SUCCESS")
    headers, body = sink.wait_for(2)[1]
    note = pay.parse_notification(headers, body)
    assert note.event_type == "REFUND.SUCCESS"
    assert (note.resource["refund_status"], note.resource["amount"]["refund"]) == ("SUCCESS", 7900)
    assert pay.query_refund("REFUND2026112501")["status"] == "SUCCESS"
    assert pay.query("ORDER20261125001")["trade_state"] == "REFUND"


def test_abnormal_refund_frees_the_amount_again(pay: WeChatPay, pay_sim: WeChatPaySimulator, sink: NotifySink) -> None:
    _prepay(pay, sink)
    pay_sim.pay(out_trade_no="ORDER20261125001", notify=False)
    pay.refund(out_trade_no="ORDER20261125001", out_refund_no="REFUND2026112503", refund=12990, total=12990,
               notify_url=sink.url)
    pay_sim.settle_refund("REFUND2026112503", "ABNORMAL")
    (headers, body), = sink.wait_for(1)
    assert pay.parse_notification(headers, body).event_type == "REFUND.ABNORMAL"
    assert pay.refund(out_trade_no="ORDER20261125001", out_refund_no="REFUND2026112504", refund=12990,
                      total=12990)["status"] == "PROCESSING"
