"""Subscribe messages (订阅消息) as the merchant configures them and as the mini-program asks for them
(docs/messages.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StrictInt, StringConstraints

from shop.core.models import RequestModel

# WeChat's template id (公众平台 -> 订阅消息 -> 我的模板), e.g. 6sPTaX0bY4QpWsRbYkYj8dZ2mGr9vXqW3uJtEoLcNfA
TEMPLATE_ID = r"^[A-Za-z0-9_-]{1,64}$"
# a page of the mini-program, optionally with a query; {placeholders} are the event's page values
PAGE = r"^/?[A-Za-z0-9_-]+(?:/[A-Za-z0-9_.-]+)*(?:\?[A-Za-z0-9_.~%=&{}-]*)?$"
KEYWORD_KEY = r"^[a-z]+(?:_[a-z]+)*[0-9]{1,3}$"
VALUE_NAME = r"^[a-z][a-z0-9_]{0,39}$"

TemplateId = Annotated[str, StringConstraints(pattern=TEMPLATE_ID)]
KeywordKey = Annotated[str, StringConstraints(pattern=KEYWORD_KEY, max_length=40)]
ValueName = Annotated[str, StringConstraints(pattern=VALUE_NAME)]
SubscribeResult = Literal["accept", "reject", "ban", "filter"]


class EventValue(BaseModel):
    name: str = Field(description="What a keyword maps to, e.g. product_title")
    label: str = Field(description="Chinese label, e.g. 商品名称")
    example: str = Field(description="An example of the text it fills, e.g. 纯棉圆领T恤 等2件")
    description: str
    fits: list[str] = Field(description="The keyword types it may fill (the prefix of a keyword: thing, "
                            "character_string, time, date, amount, phrase, name)")
    page_placeholder: bool = Field(description="May appear in page as {name}")


class SubscribeTemplate(BaseModel):
    """The merchant's template for one event."""

    event: str
    template_id: str
    page: str | None = Field(default=None, description="The page the card opens ({order_id} filled in); null: "
                             "the card opens no page")
    keywords: dict[str, str] = Field(description="Keyword of the template -> the event's value that fills it, "
                                     "e.g. {\"thing1\": \"product_title\", \"time2\": \"shipped_at\"}")
    enabled: bool
    version: int = Field(description="Send it back with PUT")
    updated_at: str | None = None
    updated_by: str | None = None


class SubscribeEvent(BaseModel):
    event: str = Field(description="order_shipped, refund_result")
    label: str = Field(description="Chinese label, e.g. 订单发货通知")
    description: str
    values: list[EventValue]
    suggested_page: str | None = Field(description="A page for the card, e.g. pages/order/detail?id={order_id}")
    config: SubscribeTemplate | None = Field(description="The merchant's template, null until one is saved "
                                             "(then PUT with version 0)")


class SubscribeEventList(BaseModel):
    items: list[SubscribeEvent]
    quota_cap: int = Field(description="The most sends one shopper can hold per template (accepts beyond it "
                           "are not counted)")


class SubscribeTemplateUpdate(RequestModel):
    """PUT /admin/subscribe-templates/{event}: the whole configuration."""

    template_id: TemplateId = Field(description="The template id from 微信公众平台 (订阅消息 -> 我的模板)")
    page: Annotated[str, StringConstraints(pattern=PAGE, max_length=200)] | None = Field(
        default=None, description="A page of the mini-program with an optional query, e.g. "
        "pages/order/detail?id={order_id} ({order_id} is filled in when sent); null or absent: no page")
    keywords: dict[KeywordKey, ValueName] = Field(
        min_length=1, max_length=10, description="Every keyword of the template (thing1, time2, ...) -> the "
        "event's value that fills it; the value must fit the keyword's type")
    enabled: StrictBool = Field(description="false: kept, but the mini-program does not ask for it and nothing is sent")
    version: StrictInt = Field(ge=0, description="The version GET gave (0 when the event has no template yet)")


class PublicTemplate(BaseModel):
    event: str
    template_id: str


class PublicTemplateList(BaseModel):
    items: list[PublicTemplate] = Field(description="The enabled templates, one per event (two events may share "
                                        "a template id)")


class SubscriptionReport(RequestModel):
    """POST /me/subscriptions: what wx.requestSubscribeMessage answered, without its errMsg."""

    results: dict[TemplateId, SubscribeResult] = Field(
        min_length=1, max_length=5, description="template id -> accept, reject, ban or filter, as "
        "wx.requestSubscribeMessage's success answer has them (drop its errMsg)")


class SubscriptionResult(BaseModel):
    remaining: dict[str, int] = Field(description="For each accepted template the shop sends: the sends the caller "
                                      "now holds (at most quota_cap)")
    ignored: list[str] = Field(description="Template ids of the report that are not an enabled template of the shop")
