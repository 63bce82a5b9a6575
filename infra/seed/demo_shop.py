"""The demo shop that `make dev` serves: five categories and sixteen products, most with two spec
axes (颜色 × 尺码 and the like), prices in fen, some SKUs low or out of stock, images, one video,
and rich detail content. Written through the same domain code the merchant side uses."""

from __future__ import annotations

from itertools import product as cartesian
from typing import Any

# the audit log's "who" for what the seed writes through the merchant's own actions
SEEDER = "demo-seed"
IMG = "https://picsum.photos/seed/minishop-{}/800/800"

CATEGORIES: list[dict[str, Any]] = [
    {"id": "apparel", "name": "服饰", "sort": 10, "icon_url": IMG.format("cat-apparel")},
    {"id": "shoes-bags", "name": "鞋包", "sort": 20, "icon_url": IMG.format("cat-shoes")},
    {"id": "home", "name": "家居", "sort": 30, "icon_url": IMG.format("cat-home")},
    {"id": "beauty", "name": "美妆", "sort": 40, "icon_url": IMG.format("cat-beauty")},
    {"id": "food", "name": "食品", "sort": 50, "icon_url": IMG.format("cat-food")},
]


def _skus(pid: str, axes: dict[str, list[str]], price: Any, stock: Any, original: Any = None) -> list[dict[str, Any]]:
    """One SKU per combination of spec values. ``price``/``stock``/``original`` are a value or a
    function of the combination (a dict spec name -> value)."""
    names = list(axes)
    skus = []
    for i, combo in enumerate(cartesian(*axes.values()), start=1):
        specs = dict(zip(names, combo, strict=True))
        pick = (lambda v, s=specs: v(s) if callable(v) else v)  # noqa: E731
        skus.append(
            {
                "id": f"{pid}.{i:02d}",
                "specs": specs,
                "price": pick(price),
                "original_price": pick(original),
                "stock": pick(stock),
            }
        )
    return skus


def _detail(title: str, pid: str, lines: list[str]) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "text", "text": line} for line in lines]
    blocks.insert(1, {"type": "image", "url": IMG.format(f"{pid}-detail-1"), "width": 750, "height": 1000})
    blocks.append({"type": "image", "url": IMG.format(f"{pid}-detail-2"), "width": 750, "height": 1200})
    return [{"type": "text", "text": f"【{title}】"}, *blocks]


def _product(pid: str, title: str, category: str, axes: dict[str, list[str]], price: Any, stock: Any, *,
             subtitle: str, created: str, sales: int, weight: int = 0, original: Any = None,
             tags: list[str] | None = None, lines: list[str] | None = None, video: bool = False) -> dict[str, Any]:
    return {
        "id": pid,
        "title": title,
        "subtitle": subtitle,
        "category_id": category,
        "images": [IMG.format(f"{pid}-{n}") for n in range(1, 4)],
        "video": {"url": f"https://media.example.com/minishop/{pid}.mp4", "cover_url": IMG.format(f"{pid}-video"),
                  "duration_seconds": 28} if video else None,
        "specs": [{"name": n, "values": v} for n, v in axes.items()],
        "skus": _skus(pid, axes, price, stock, original),
        "detail": _detail(title, pid, lines or [subtitle]),
        "tags": tags or [],
        "sort_weight": weight,
        "sales": sales,
        "created_at": created,
    }


SIZES = ["S", "M", "L", "XL"]

PRODUCTS: list[dict[str, Any]] = [
    _product("p-tee-basic", "纯棉圆领短袖T恤", "apparel", {"颜色": ["白色", "黑色", "雾蓝"], "尺码": SIZES},
             lambda s: 7900 if s["尺码"] != "XL" else 8900, lambda s: 0 if s == {"颜色": "雾蓝", "尺码": "S"} else 120,
             original=12900, subtitle="新疆长绒棉 亲肤透气", created="2026-09-01T02:00:00Z", sales=1835, weight=90,
             tags=["爆款", "纯棉"], lines=["200g 重磅面料,不易变形。", "领口双针加固,洗后不松垮。"], video=True),
    _product("p-hoodie", "加绒连帽卫衣", "apparel", {"颜色": ["燕麦", "炭灰"], "尺码": SIZES},
             15900, lambda s: 6 if s["颜色"] == "燕麦" else 40, original=22900, subtitle="秋冬加厚 宽松版型",
             created="2026-10-12T02:00:00Z", sales=642, weight=70, tags=["秋冬"],
             lines=["内里摇粒绒,保暖不闷。"]),
    _product("p-jeans", "直筒九分牛仔裤", "apparel", {"颜色": ["浅蓝", "深蓝"], "尺码": ["26", "27", "28", "29", "30"]},
             18900, 25, subtitle="高腰显瘦 弹力面料", created="2026-08-20T02:00:00Z", sales=903, tags=["显瘦"]),
    _product("p-down-vest", "轻薄羽绒马甲", "apparel", {"颜色": ["黑色", "米白"], "尺码": SIZES},
             29900, 15, original=39900, subtitle="90%白鸭绒 可收纳", created="2026-11-05T02:00:00Z", sales=77,
             tags=["新品", "秋冬"]),
    _product("p-sneaker", "复古跑步鞋", "shoes-bags", {"颜色": ["白灰", "黑白"], "鞋码": ["36", "37", "38", "39", "40", "41", "42"]},
             lambda s: 32900, lambda s: 3 if s["鞋码"] in ("36", "42") else 18, original=45900,
             subtitle="缓震中底 轻量透气", created="2026-07-15T02:00:00Z", sales=1204, weight=80, tags=["爆款"],
             lines=["EVA 缓震中底,久走不累。", "网面鞋身,夏季透气。"]),
    _product("p-canvas-tote", "大容量帆布托特包", "shoes-bags", {"颜色": ["米白", "军绿", "黑色"]},
             6900, 200, subtitle="通勤 装得下 14 寸电脑", created="2026-06-30T02:00:00Z", sales=2310, tags=["通勤"]),
    _product("p-backpack", "防泼水双肩包", "shoes-bags", {"颜色": ["黑色", "藏青"], "容量": ["20L", "28L"]},
             lambda s: 19900 if s["容量"] == "20L" else 23900, lambda s: 0 if s["容量"] == "28L" else 35,
             subtitle="独立电脑仓 USB 充电口", created="2026-09-18T02:00:00Z", sales=388),
    _product("p-bedding-set", "水洗棉床品四件套", "home", {"颜色": ["燕麦", "雾霾蓝", "奶白"], "尺寸": ["1.5m床", "1.8m床"]},
             lambda s: 29900 if s["尺寸"] == "1.5m床" else 33900, 30, original=49900,
             subtitle="A 类标准 婴幼儿可用", created="2026-10-01T02:00:00Z", sales=512, weight=60, tags=["A类"]),
    _product("p-mug", "316 不锈钢保温杯", "home", {"颜色": ["奶油白", "薄荷绿", "雾黑"], "容量": ["350ml", "500ml"]},
             lambda s: 9900 if s["容量"] == "350ml" else 12900, 80, subtitle="12 小时保温 一键开盖",
             created="2026-08-08T02:00:00Z", sales=1520, tags=["送礼"]),
    _product("p-candle", "大豆蜡香薰蜡烛", "home", {"香型": ["白茶", "无花果", "雪松"], "规格": ["200g", "400g"]},
             lambda s: 8900 if s["规格"] == "200g" else 14900, 50, subtitle="天然大豆蜡 燃烧 40 小时",
             created="2026-11-10T02:00:00Z", sales=95, tags=["新品", "送礼"]),
    _product("p-lipstick", "丝绒哑光口红", "beauty", {"色号": ["#01 正红", "#05 豆沙", "#12 枫叶棕", "#18 奶茶"]},
             16900, lambda s: 0 if s["色号"] == "#12 枫叶棕" else 60, original=21900,
             subtitle="持久不沾杯 滋润不拔干", created="2026-09-25T02:00:00Z", sales=2788, weight=85, tags=["爆款"]),
    _product("p-cream", "修护保湿面霜", "beauty", {"规格": ["30ml", "50ml"]},
             lambda s: 19900 if s["规格"] == "30ml" else 29900, 45, subtitle="敏感肌可用 神经酰胺修护",
             created="2026-07-01T02:00:00Z", sales=1433),
    _product("p-sunscreen", "轻薄防晒乳 SPF50+", "beauty", {"规格": ["40ml", "60ml 家庭装"]},
             lambda s: 12900 if s["规格"] == "40ml" else 17900, 8, subtitle="清爽不油腻 防水防汗",
             created="2026-05-20T02:00:00Z", sales=960),
    _product("p-nuts", "每日坚果礼盒", "food", {"规格": ["15 袋装", "30 袋装"]},
             lambda s: 6900 if s["规格"] == "15 袋装" else 12900, 300, original=15900,
             subtitle="6 种坚果果干 独立小包", created="2026-10-20T02:00:00Z", sales=4120, weight=75, tags=["送礼", "爆款"]),
    _product("p-tea", "明前龙井绿茶", "food", {"规格": ["100g", "250g"], "包装": ["简装", "礼盒"]},
             lambda s: (16800 if s["规格"] == "100g" else 36800) + (3000 if s["包装"] == "礼盒" else 0), 20,
             subtitle="杭州西湖产区 2026 新茶", created="2026-04-10T02:00:00Z", sales=321, tags=["送礼"]),
    _product("p-coffee", "深烘咖啡豆", "food", {"烘焙": ["中深烘", "深烘"], "研磨": ["整豆", "手冲粉"]},
             8800, lambda s: 0 if s["研磨"] == "手冲粉" else 100, subtitle="云南保山小粒 当周烘焙",
             created="2026-11-15T02:00:00Z", sales=58, tags=["新品"]),
]


FREIGHT = {
    "default_fee": 800,  # 8 元
    "free_threshold": 9900,  # 满 99 元包邮
    "province_fees": {"新疆维吾尔自治区": 2000, "西藏自治区": 2500, "青海省": 1500, "内蒙古自治区": 1200,
                      "海南省": 1200, "宁夏回族自治区": 1200, "甘肃省": 1200},
    "unreachable": ["台湾省", "香港特别行政区", "澳门特别行政区"],
}

PICKUP_STORES: list[dict[str, Any]] = [
    {"id": "sz-nanshan", "name": "深圳南山店", "address": "广东省深圳市南山区科技园路1号", "phone": "0755-86013388",
     "hours": "10:00-21:00", "latitude": 22.5431, "longitude": 113.9478},
    {"id": "sh-jingan", "name": "上海静安店", "address": "上海市静安区南京西路1266号", "phone": "021-62880000",
     "hours": "10:00-22:00", "latitude": 31.2304, "longitude": 121.4581},
]


# Coupon templates: the coupon center's, the new-user gift pack's and the share rewards'.
COUPONS: list[dict[str, Any]] = [
    {"id": "c-100-20", "name": "满100减20", "kind": "amount", "amount": 2000, "threshold": 10000,
     "valid_days": 30, "total": 1000, "per_user_limit": 1},
    {"id": "c-8zhe", "name": "全场8折券", "kind": "percent", "percent": 80, "max_discount": 5000,
     "valid_days": 15, "total": 500, "per_user_limit": 1},
    {"id": "c-apparel-30", "name": "服饰满199减30", "kind": "amount", "amount": 3000, "threshold": 19900,
     "scope": {"type": "categories", "ids": ["apparel"]}, "valid_days": 30, "total": 300, "per_user_limit": 1,
     "stackable": True},
    {"id": "c-5-off", "name": "无门槛5元", "kind": "amount", "amount": 500, "valid_days": 7, "total": 10000,
     "per_user_limit": 2, "stackable": True},
    {"id": "c-new-30", "name": "新人满59减30", "kind": "amount", "amount": 3000, "threshold": 5900, "valid_days": 7,
     "total": 100000, "per_user_limit": 1, "new_user_only": True},
    {"id": "gift-10", "name": "新人礼包 无门槛10元", "kind": "amount", "amount": 1000, "valid_days": 7,
     "total": 1000000, "per_user_limit": 1, "new_user_only": True, "claimable": False, "stackable": True},
    {"id": "gift-100-15", "name": "新人礼包 满100减15", "kind": "amount", "amount": 1500, "threshold": 10000,
     "valid_days": 14, "total": 1000000, "per_user_limit": 1, "claimable": False},
    {"id": "reward-3", "name": "邀请3位好友 8折券", "kind": "percent", "percent": 80, "max_discount": 5000,
     "valid_days": 30, "total": 1000000, "per_user_limit": 1, "claimable": False},
    {"id": "reward-10", "name": "邀请10位好友 无门槛50元", "kind": "amount", "amount": 5000, "valid_days": 30,
     "total": 1000000, "per_user_limit": 1, "claimable": False},
]

# New users get the gift pack once; a friend counts when their first order is paid.
GROWTH: dict[str, Any] = {
    "gift_pack": ["gift-10", "gift-100-15"],
    "qualify_on": "first_paid_order",
    "tiers": [
        {"id": "t3", "friends": 3, "template_id": "reward-3", "title": "邀请3位好友 得8折券"},
        {"id": "t10", "friends": 10, "template_id": "reward-10", "title": "邀请10位好友 得无门槛50元"},
    ],
}


def seed() -> tuple[int, int]:
    """Write the demo shop into the table named by SHOP_TABLE_NAME (an empty one: products are
    bulk-loaded)."""
    from shop.catalog import admin as catalog
    from shop.buying import shipping

    shipping.put_freight_template(shipping.FreightTemplate.model_validate(FREIGHT))
    for store in PICKUP_STORES:
        shipping.put_pickup_store(shipping.PickupStore.model_validate(store))
    names = {c["id"]: c["name"] for c in CATEGORIES}
    for c in CATEGORIES:
        catalog.put_category(catalog.CategoryInput.model_validate(c))
    catalog.load_products([(catalog.ProductInput.model_validate(p), names[p["category_id"]]) for p in PRODUCTS])
    from shop.growth import coupons
    from shop.growth.models.coupons import CouponTemplateInput

    for template in COUPONS:
        coupons.create_template(CouponTemplateInput.model_validate(template), merchant=SEEDER)
    from shop.growth import rewards
    from shop.growth.models.rewards import GrowthConfig

    rewards.save_config(GrowthConfig.model_validate(GROWTH), merchant=SEEDER)
    return len(CATEGORIES), len(PRODUCTS)
