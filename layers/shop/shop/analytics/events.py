"""The batches of client events a mini-program sends (POST /events): what a batch may hold.

The mini-program keeps events in memory and sends them together (every few seconds, on hide, or
when 20 have gathered). A batch belongs to one opening of the mini-program: its ``launch`` is what
``wx.getEnterOptionsSync()`` answered (scene, path, query), so every event in it has the same
traffic source. ``batch_id`` is the client's own id for the batch: a batch sent again (a retry after
a timeout) is counted once. ``anonymous_id`` is the id the mini-program keeps in storage for a
visitor who has not logged in; a valid session token makes the visitor the user instead.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from shop.core.models import RequestModel

MAX_EVENTS = 50
MAX_BATCH_BYTES = 32 * 1024  # the request body; a batch of 50 plain events is about 6 KB
ID = r"^[A-Za-z0-9_-]{8,64}$"

VISIT = "visit"  # the mini-program was opened or came to the foreground (onShow)
PAGE_VIEW = "page_view"
PRODUCT_VIEW = "product_view"
ADD_TO_CART = "add_to_cart"
CHECKOUT = "checkout_started"
SHARE = "share"  # onShareAppMessage / onShareTimeline
EVENT_TYPES = (VISIT, PAGE_VIEW, PRODUCT_VIEW, ADD_TO_CART, CHECKOUT, SHARE)
NEEDS_PRODUCT = frozenset({PRODUCT_VIEW, ADD_TO_CART})


class Launch(RequestModel):
    scene: Annotated[int, Field(ge=1000, le=9999, description="WeChat's scene value of this opening")]
    path: Annotated[str | None, Field(default=None, max_length=200, description="the page it opened")] = None
    query: Annotated[dict[str, Annotated[str, Field(max_length=200)]], Field(
        default_factory=dict, max_length=10, description="the opening's query (a share card's or a code's)")]


class ClientEvent(RequestModel):
    type: Literal["visit", "page_view", "product_view", "add_to_cart", "checkout_started", "share"]
    at: Annotated[int, Field(ge=0, description="when it happened, epoch milliseconds (the phone's clock)")]
    page: Annotated[str | None, Field(default=None, max_length=200)] = None
    product_id: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,64}$")] = None
    sku_id: Annotated[str | None, Field(default=None, pattern=r"^[A-Za-z0-9._-]{1,80}$")] = None
    quantity: Annotated[int | None, Field(default=None, ge=1, le=999)] = None

    @model_validator(mode="after")
    def _product_where_needed(self) -> ClientEvent:
        if self.type in NEEDS_PRODUCT and not self.product_id:
            raise ValueError(f"a {self.type} event names its product_id")
        return self


class EventBatch(RequestModel):
    batch_id: Annotated[str, Field(pattern=ID, description="the client's id of this batch; a resend is counted once")]
    anonymous_id: Annotated[str, Field(pattern=ID, description="the visitor id the mini-program keeps in storage")]
    launch: Launch
    events: Annotated[list[ClientEvent], Field(min_length=1, max_length=MAX_EVENTS)]
