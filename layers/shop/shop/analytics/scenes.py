"""WeChat scene values (场景值) grouped into the traffic sources the dashboard shows.

A mini-program learns how it was opened from ``wx.getLaunchOptionsSync().scene`` (cold start) and
``wx.getEnterOptionsSync().scene`` (each entry). The grouping follows the scene list as
../shared/reference/wechat-next-apis.md section 8 transcribes it; a scene not listed is "other".
Openings that are never a shopper - WeChat's crawler, automated tests, remote debugging, load
tests - are not counted at all (``counted`` is False).
"""

from __future__ import annotations

from dataclasses import dataclass

SHARE = "share"
CODE = "code"
SEARCH = "search"
OFFICIAL_ACCOUNT = "official_account"
CHANNELS = "channels"
ADS = "ads"
DIRECT = "direct"
SUBSCRIBE_MESSAGE = "subscribe_message"
OTHER = "other"

# in the order the dashboard lists them
SOURCES: dict[str, str] = {
    SHARE: "分享卡片",
    CODE: "小程序码/二维码",
    SEARCH: "搜索",
    OFFICIAL_ACCOUNT: "公众号",
    CHANNELS: "视频号",
    ADS: "广告",
    DIRECT: "直接访问/最近使用",
    SUBSCRIBE_MESSAGE: "订阅消息",
    OTHER: "其他",
}

_GROUPS: dict[str, tuple[int, ...]] = {
    # single chat, group chat, with shareTicket, App share card, chat history, Moments (single-page mode)
    SHARE: (1007, 1008, 1044, 1036, 1096, 1154, 1155),
    # QR codes and mini-program codes: scanned, long-pressed, from the album
    CODE: (1011, 1012, 1013, 1047, 1048, 1049),
    # WeChat's top search, the mini-program search in 发现, 搜一搜
    SEARCH: (1005, 1006, 1053),
    # custom menu, profile's related mini-programs, template message, article, session card, article goods card
    OFFICIAL_ACCOUNT: (1020, 1035, 1043, 1058, 1074, 1091),
    # the 视频号 profile shop, its live room (host, goods), the profile's goods tab
    CHANNELS: (1175, 1176, 1177, 1195),
    # Moments ads, their detail page, ads in official-account articles
    ADS: (1045, 1046, 1067),
    # 最近使用 in 发现, the chat list's pull-down and the capsule menu, 我的小程序, a desktop icon,
    # coming back from another mini-program (payment, the confirm-receipt component)
    DIRECT: (1001, 1089, 1090, 1103, 1104, 1023, 1038),
    # a subscribe message (1014 in older lists, 1107 now)
    SUBSCRIBE_MESSAGE: (1014, 1107),
}
_SOURCE_OF: dict[int, str] = {scene: source for source, scenes in _GROUPS.items() for scene in scenes}

# WeChat's crawler, automated testing, remote debugging, load testing: never a shopper
NOT_USERS = frozenset({1129, 1030, 1101, 1203})


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    counted: bool


def source_of(scene: int | None) -> Source:
    """The traffic source of a scene value; an unknown or missing scene is "other"."""
    if scene in NOT_USERS:
        return Source(OTHER, SOURCES[OTHER], counted=False)
    key = _SOURCE_OF.get(scene, OTHER) if scene is not None else OTHER
    return Source(key, SOURCES[key], counted=True)
