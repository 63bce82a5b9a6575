"""Reading WeChat Pay's trade bill (shop.adapters.wechat.bills): yuan into fen exactly, the summary
checked against the details, anything else refused."""

from __future__ import annotations

import pytest

from shop.adapters.wechat import bills


@pytest.mark.parametrize(("text", "fen"), [("0.01", 1), ("12.30", 1230), ("12.3", 1230), ("100", 10000),
                                           ("-0.07", -7), ("99999999.99", 9999999999), ("0.10", 10)])
def test_yuan_are_read_into_fen_exactly(text: str, fen: int) -> None:
    assert bills.fen(text) == fen


@pytest.mark.parametrize("text", ["1.234", "1e3", "", "¥1.00", "1,00", "0x10"])
def test_malformed_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        bills.fen(text)


def test_a_bill_whose_summary_does_not_add_up_is_unusable() -> None:
    good = ("交易时间,微信订单号,商户订单号,交易状态,订单金额,申请退款金额\r\n"
            "`2026-12-01 10:00:00,`4200001,`o1,`SUCCESS,`1.00,`0.00\r\n"
            "总交易单数,订单总金额\r\n`1,`1.00\r\n").encode()
    assert bills.parse(good).summary == {"count": 1, "order_total": 100}
    bills.check_summary(bills.parse(good))
    with pytest.raises(bills.BillUnusable) as err:
        bills.check_summary(bills.parse(good.replace(b"`1,`1.00", b"`1,`2.00")))
    assert err.value.code == "bill_inconsistent"
    with pytest.raises(bills.BillUnusable) as err:
        bills.parse(b"not a bill")
    assert err.value.code == "bill_unreadable"
