"""Places an order refers to, as it keeps them (copies: later edits do not change an order)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AddressSnapshot(BaseModel):
    """An address as an order keeps it (a copy: editing the address book later does not change it)."""

    name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str
    postal_code: str | None = None


class PickupStore(BaseModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str
    address: str
    phone: str
    hours: str = Field(description="Opening hours, e.g. 10:00-21:00")
    latitude: float | None = None
    longitude: float | None = None
