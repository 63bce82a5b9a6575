"""POST /wechat/push - WeChat's mini-program message pushes (消息推送, JSON): plaintext (``signature``)
or safe mode (``encrypt_type=aes``, ``msg_signature``, AES-256-CBC with the EncodingAESKey, the AppID
inside checked). A stale or forged push is refused (403) before anything is read; a verified one is
applied once (shop.buying.wechat_push) and answered ``success``, also for events the shop does not
use, so WeChat does not retry them."""

import json
import os

from aws_lambda_powertools.event_handler import Response

from shop.adapters.config import credential, setting
from shop.adapters.observability import MetricUnit, logger, metrics
from shop.adapters.wechat import push
from shop.buying import wechat_push
from shop.core.errors import Forbidden, InvalidRequest
from shop.edge.openapi import error_responses
from shop.edge.api import create_app, lambda_handler_for, raw_body

app = create_app()


def _refuse(reason: str) -> Forbidden:
    logger.warning("wechat push refused", extra={"reason": reason})
    metrics.add_metric(name="WeChatPushRejected", unit=MetricUnit.Count, value=1)
    return Forbidden("推送签名无效、已过期或无法解密。", code="push_rejected", details={"reason": reason})


@app.post("/wechat/push", summary="WeChat message push (trade_manage_* events)", tags=["wechat"],
          description="Called by WeChat, not by the mini-program. Verified (and in safe mode decrypted) before "
                      "anything is read.",
          enable_validation=False,
          responses={200: {"description": "success", "content": {"text/plain": {"schema": {"type": "string"}}}},
                     **error_responses(400, 403, 503)})  # 400 push_not_json; 403 push_rejected (signature, age, app)
def wechat_push_receive():  # noqa: ANN201 - the answer is WeChat's text contract
    query = app.current_event.query_string_parameters or {}
    timestamp, nonce = query.get("timestamp", ""), query.get("nonce", "")
    token = credential("wechat_push_token")
    raw = raw_body(app)
    try:
        push.check_fresh(timestamp, int(os.environ.get("WECHAT_PUSH_MAX_AGE_SECONDS") or 300))
        if query.get("encrypt_type") == "aes":
            try:
                envelope = json.loads(raw)
                encrypted = envelope["Encrypt"]
                assert isinstance(encrypted, str)
            except (ValueError, KeyError, TypeError, AssertionError):
                raise push.PushRejected("no_encrypt") from None
            push.check_signature((token, timestamp, nonce, encrypted), query.get("msg_signature"))
            raw = push.decrypt(credential("wechat_push_aes_key"), encrypted, setting("WECHAT_APP_ID"))
        elif os.environ.get("WECHAT_PUSH_SAFE_MODE_ONLY", "").lower() == "true":
            raise push.PushRejected("plaintext_refused")  # its signature does not cover the body
        else:
            push.check_signature((token, timestamp, nonce), query.get("signature"))
    except push.PushRejected as rejected:
        raise _refuse(rejected.reason) from None
    try:
        message = json.loads(raw)
    except ValueError:
        message = None
    if not isinstance(message, dict):
        raise InvalidRequest("推送内容不是 JSON 对象（消息推送的数据格式请选 JSON）。", code="push_not_json")
    outcome = wechat_push.apply(message, raw)
    logger.info("wechat push", extra={"event": message.get("Event"), "outcome": outcome})
    return Response(status_code=200, content_type="text/plain; charset=utf-8", body="success",
                    headers={"Cache-Control": "no-store"})


lambda_handler = lambda_handler_for(app)
