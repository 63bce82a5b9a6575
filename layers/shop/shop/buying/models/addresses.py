from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from shop.core.models import MULTILINE, RequestModel
from shop.buying.models.places import AddressSnapshot
from shop.buying.regions import PROVINCES

# Mainland mobile (optionally +86), or a landline with area code and optional extension.
PHONE_PATTERN = r"^(?:(?:\+?86)?1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$"


def _known_province(value: str) -> str:
    if value not in PROVINCES:
        raise ValueError("province must be the full name of a province-level division, e.g. 广东省")
    return value


Province = Annotated[str, AfterValidator(_known_province)]


class AddressInput(RequestModel):
    name: str = Field(min_length=1, max_length=20, description="Recipient (收货人)")
    phone: str = Field(pattern=PHONE_PATTERN, description="Mobile (13800138000) or landline (0755-12345678)")
    province: Province = Field(description="Full name, e.g. 广东省 / 北京市")
    city: str = Field(min_length=1, max_length=20, description="e.g. 深圳市 (for 北京市 etc. the same name)")
    district: str = Field(default="", max_length=20, description="e.g. 南山区; empty where a city has none")
    detail: str = Field(min_length=2, max_length=120, description="Street, building, room")
    postal_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    tag: str | None = Field(default=None, max_length=8, description="e.g. 家 / 公司")
    is_default: bool = Field(default=False, description="Make this the default address")


class Address(AddressSnapshot):
    id: str
    tag: str | None = None
    is_default: bool
    created_at: datetime
    updated_at: datetime


class AddressList(BaseModel):
    items: list[Address]
    default_id: str | None


class ParseRequest(RequestModel):
    text: Annotated[str, MULTILINE] = Field(min_length=1, max_length=300, description="Free text, e.g. 张三 13800138000 广东省深圳市南山区粤海街道科技园路1号")


class ParsedAddress(BaseModel):
    """What could be read from the text; a field that could not be found is null."""

    name: str | None
    phone: str | None
    province: str | None
    city: str | None
    district: str | None
    detail: str | None
    postal_code: str | None = None
    complete: bool = Field(description="Every field AddressInput needs was found")
