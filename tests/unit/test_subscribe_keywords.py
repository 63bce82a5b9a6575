"""Subscribe-message keyword rules (shop.messaging.keywords): each type at its boundary, and what
happens past it (a long thing is cut, everything else is refused naming the key)."""

from __future__ import annotations

import pytest

from shop.messaging.keywords import KeywordError, amount_from_fen, keyword_type, render


def value(key: str, raw: str) -> str:
    return render({key: raw})[key]["value"]


def refused(key: str, raw: str) -> KeywordError:
    with pytest.raises(KeywordError) as caught:
        render({key: raw})
    assert caught.value.key == key and key in str(caught.value)
    return caught.value


def test_keyword_types_come_from_the_key() -> None:
    assert [keyword_type(k) for k in ("thing1", "character_string12", "phone_number3", "enum4")] == [
        "thing", "character_string", "phone_number", "enum"]
    for bad in ("thingy1", "thing", "1thing", "Thing1", "foo2", ""):
        with pytest.raises(ValueError):
            keyword_type(bad)
    with pytest.raises(KeywordError) as caught:
        render({"foo2": "x"})
    assert caught.value.key == "foo2"


def test_render_makes_wechats_data_shape() -> None:
    assert render({"thing1": "T恤", "amount2": "¥12.30", "time3": "2026-12-07 14:30"}) == {
        "thing1": {"value": "T恤"}, "amount2": {"value": "¥12.30"}, "time3": {"value": "2026-12-07 14:30"}}


def test_thing_of_20_passes_and_longer_is_cut_to_20_ending_in_an_ellipsis() -> None:
    twenty = "纯棉圆领短袖T恤男女同款夏季宽松上衣白色"
    assert len(twenty) == 20 and value("thing1", twenty) == twenty
    cut = value("thing1", twenty + "X")
    assert len(cut) == 20 and cut == twenty[:19] + "…"
    assert len(value("thing1", "a" * 200)) == 20
    assert value("thing1", "  第一行\n第二行  ") == "第一行 第二行"  # one line


@pytest.mark.parametrize("raw", ["", "   ", "\n"])
@pytest.mark.parametrize("key", ["thing1", "number2", "character_string3", "phrase4", "amount5", "time6", "enum7"])
def test_empty_values_are_refused(key: str, raw: str) -> None:
    assert "empty" in refused(key, raw).reason


def test_a_value_must_be_a_string() -> None:
    refused("number1", 12)  # type: ignore[arg-type]


def test_phrase_is_at_most_five_hanzi_and_nothing_else() -> None:
    assert value("phrase1", "已发货") == "已发货" and value("phrase1", "订单已发货") == "订单已发货"
    refused("phrase1", "订单已经发货")  # 6
    for bad in ("shipped", "已发货!", "已 发货", "发货1"):
        refused("phrase1", bad)


def test_character_string_takes_ascii_only_and_refuses_hanzi() -> None:
    assert value("character_string1", "SO-2026-0001") == "SO-2026-0001"
    assert value("character_string1", "A" * 32) == "A" * 32
    assert "汉字" in refused("character_string1", "订单SO1").reason  # refused, never stripped
    refused("character_string1", "A" * 33)
    refused("character_string1", "SO 1")
    refused("character_string1", "ＳＯ１")  # full-width


def test_number_letter_symbol() -> None:
    assert value("number1", "3.50") == "3.50" and value("number1", "9" * 32) == "9" * 32
    for bad in ("9" * 33, "1.2.3", "-1", "12a", "１２", ".5"):
        refused("number1", bad)
    assert value("letter1", "abcXYZ") == "abcXYZ"
    for bad in ("a" * 33, "ab1", "é"):
        refused("letter1", bad)
    assert value("symbol1", "%$#@!") == "%$#@!"
    for bad in ("%$#@!&", "a!", "1"):
        refused("symbol1", bad)


@pytest.mark.parametrize("raw", ["14:30", "9:05", "14:30:05", "2026-12-07 14:30", "2026/12/07 14:30",
                                 "2026年12月7日 14:30", "2026年12月7日14:30", "2026-12-07 14:30~16:00",
                                 "2026-12-07 14:30 ~ 2026-12-08 09:00"])
def test_time_accepts_wechats_formats(raw: str) -> None:
    assert value("time1", raw) == raw.replace(" ~ ", "~")


@pytest.mark.parametrize("raw", ["24:00", "14:60", "2026-12-07", "2026-02-30 10:00", "14:30~", "1~2~3",
                                 "tomorrow", "2026-12-0714:30", "14.30"])
def test_time_refuses_what_is_not_a_time(raw: str) -> None:
    refused("time1", raw)


def test_date() -> None:
    for raw in ("2026-12-07", "2026年12月7日", "2026-12-07 14:30", "2026-12-07~2026-12-09"):
        assert value("date1", raw) == raw
    for raw in ("14:30", "2026-13-01", "2026-12-07~14:00", "12月7日"):
        refused("date1", raw)


def test_amount_and_amount_from_fen() -> None:
    assert amount_from_fen(1230) == "¥12.30" and amount_from_fen(5) == "¥0.05" and amount_from_fen(0) == "¥0.00"
    assert amount_from_fen(100) == "¥1.00" and value("amount1", amount_from_fen(99999999)) == "¥999999.99"
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError):
            amount_from_fen(bad)  # type: ignore[arg-type]
    for raw in ("¥12.30", "12.30元", "￥100", "$5", "9999999999"):
        assert value("amount1", raw) == raw
    for raw in ("12,30", "¥¥1", "99999999999", "¥99999999.999", "RMB 5", "-¥5", "元"):
        refused("amount1", raw)


def test_phone_car_number_name() -> None:
    assert value("phone_number1", "+86-0766-66888866") == "+86-0766-66888866"
    for raw in ("1" * 18, "138 0000 0000", "tel138", "+-"):
        refused("phone_number1", raw)
    assert value("car_number1", "粤A8Z888挂") == "粤A8Z888挂"
    for raw in ("粤A8Z8888挂", "粤A汉888", "粤A-888"):
        refused("car_number1", raw)
    assert value("name1", "张三丰") == "张三丰" and value("name1", "欧阳" * 5) == "欧阳" * 5
    assert value("name1", "Alexandra Christine") == "Alexandra Christine"  # 19, ASCII: up to 20
    refused("name1", "欧阳" * 5 + "子")  # 11 with 汉字: refused, not cut
    refused("name1", "Li 小" + "x" * 7)  # mixed counts as Chinese: 10
    refused("name1", "A" * 21)


def test_enum_is_passed_through() -> None:
    assert value("enum1", "待付款") == "待付款"
