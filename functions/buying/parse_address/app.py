"""POST /addresses/parse - 地址智能识别: name, phone and address read from pasted text.

The division data (address_parser.py, divisions.json) lives in this function only, so its weight
never reaches another function's cold start. Nothing is stored.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.edge.api import create_app, lambda_handler_for, ok
from shop.edge.auth import BEARER, current_user
from shop.buying.models.addresses import ParsedAddress, ParseRequest
from shop.edge.openapi import responses

from address_parser import parse

app = create_app()


@app.post(
    "/addresses/parse",
    summary="Read an address from pasted text",
    description="Splits free text such as '张三 13800138000 广东省深圳市南山区粤海街道科技园路1号' into the "
    "fields of an address (地址智能识别). A field that cannot be found is null; `complete` is true when "
    "name, phone, province, city and detail were all found. Province, city and district are full "
    "official names (广东省, 深圳市, 南山区); for 北京市 and the other municipalities the city is the "
    "province's name.",
    tags=["addresses"],
    security=BEARER,
    responses=responses(ParsedAddress, 400, 401, 413, 415, stateful=False),
)
def parse_address(body: ParseRequest, user_id: Annotated[str, Depends(current_user)]) -> Response[ParsedAddress]:
    return ok(parse(body.text))


lambda_handler = lambda_handler_for(app)
