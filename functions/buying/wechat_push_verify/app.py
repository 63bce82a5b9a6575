"""GET /wechat/push - WeChat's check of the mini-program's 消息推送 URL: the signature over the push
Token, timestamp and nonce is verified and echostr echoed back (shop.adapters.wechat.push)."""

import os

from aws_lambda_powertools.event_handler import Response

from shop.adapters.config import credential
from shop.adapters.observability import logger
from shop.adapters.wechat import push
from shop.core.errors import Forbidden
from shop.edge.openapi import error_responses
from shop.edge.api import create_app, lambda_handler_for

app = create_app()


@app.get("/wechat/push", summary="WeChat message push: URL verification", tags=["wechat"],
         description="Called by WeChat when the push URL is saved in the MP admin. Answers echostr as text.",
         enable_validation=False,
         responses={200: {"description": "echostr", "content": {"text/plain": {"schema": {"type": "string"}}}},
                    **error_responses(403)})  # 403 push_rejected: a bad or stale signature
def wechat_push_verify():  # noqa: ANN201 - the answer is WeChat's text contract
    query = app.current_event.query_string_parameters or {}
    try:
        push.check_fresh(query.get("timestamp", ""), int(os.environ.get("WECHAT_PUSH_MAX_AGE_SECONDS") or 300))
        push.check_signature((credential("wechat_push_token"), query.get("timestamp", ""), query.get("nonce", "")),
                             query.get("signature"))
    except push.PushRejected as rejected:
        logger.warning("push URL verification refused", extra={"reason": rejected.reason})
        raise Forbidden("签名无效或已过期。", code="push_rejected", details={"reason": rejected.reason}) from None
    echostr = query.get("echostr", "")
    return Response(status_code=200, content_type="text/plain; charset=utf-8", body=echostr[:256],
                    headers={"Cache-Control": "no-store"})


lambda_handler = lambda_handler_for(app)
