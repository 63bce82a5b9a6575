"""GET /me/share/qrcode - a mini-program code (小程序码) that opens the shop with the caller's invite
code: for posters and offline sharing, where a share card cannot go."""

import base64
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.depends import Depends

from shop.growth import invites
from shop.edge.api import create_app, lambda_handler_for
from shop.edge.auth import BEARER, current_user
from shop.adapters.config import setting
from shop.edge.openapi import error_responses
from shop.adapters.wechat import wxacode

app = create_app()
IMAGE = {"schema": {"type": "string", "format": "binary"}}


@app.get("/me/share/qrcode", summary="My share code image", tags=["growth"], security=BEARER,
         description="The image WeChat's wxacode.getUnlimited draws (PNG) for the shop's home page with the "
         "scene `inviter=<code>`; the page reads it from options.scene (decodeURIComponent first). Cache it "
         "on the device: the code does not change.",
         responses={200: {"description": "The mini-program code", "content": {"image/png": IMAGE, "image/jpeg": IMAGE}},
                    **error_responses(401, 502, 503)})
def share_qrcode(user_id: Annotated[str, Depends(current_user)]):  # noqa: ANN201 - a binary body, not a model
    code = invites.ensure_code(user_id)
    image, media_type = wxacode.unlimited(invites.qrcode_scene(code), page=invites.SHARE_PAGE,
                                          env_version=setting("WECHAT_ENV_VERSION"))
    return Response(status_code=200, content_type=media_type, body=image,
                    headers={"Cache-Control": "private, max-age=86400"})


lambda_handler = lambda_handler_for(app)
