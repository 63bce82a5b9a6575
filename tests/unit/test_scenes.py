"""The dashboard's traffic sources: how a scene value a mini-program was opened with is counted."""

from __future__ import annotations

import pytest

from shop.analytics import scenes


@pytest.mark.parametrize(("scene", "source"), [
    (1007, "share"), (1008, "share"), (1044, "share"),  # a card in a single chat, a group, with shareTicket
    (1047, "code"), (1048, "code"), (1011, "code"),  # a mini-program code scanned or long-pressed, a QR code
    (1053, "search"), (1005, "search"),
    (1035, "official_account"), (1058, "official_account"),
    (1175, "channels"), (1177, "channels"),
    (1045, "ads"),
    (1001, "direct"), (1089, "direct"), (1038, "direct"),
    (1014, "subscribe_message"), (1107, "subscribe_message"),
    (1037, "other"), (9999, "other"), (None, "other"),  # another mini-program, a scene WeChat adds later, none
])
def test_a_scene_falls_in_the_source_a_merchant_expects(scene: int | None, source: str) -> None:
    found = scenes.source_of(scene)
    assert (found.key, found.counted) == (source, True)
    assert found.label == scenes.SOURCES[source]


@pytest.mark.parametrize("scene", [1129, 1030, 1101, 1203])  # crawler, automated test, remote debug, load test
def test_openings_that_are_never_shoppers_are_not_counted(scene: int) -> None:
    assert scenes.source_of(scene).counted is False


def test_every_source_has_a_chinese_label_and_no_scene_is_in_two_sources() -> None:
    assert all(label and not label.isascii() for label in scenes.SOURCES.values())
    listed = [scene for group in scenes._GROUPS.values() for scene in group]
    assert len(listed) == len(set(listed))
    assert not set(listed) & scenes.NOT_USERS
