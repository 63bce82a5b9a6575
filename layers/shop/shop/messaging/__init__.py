"""Messaging: subscribe messages (订阅消息) to shoppers (docs/messages.md).

- ``keywords``: WeChat's keyword value rules, applied before a message is sent
  (shop.adapters.wechat.subscribe sends it);
- ``events``: the shop events a message can be about and the values each offers to a template's
  keywords;
- ``templates``: the merchant's template per event (GET/PUT /admin/subscribe-templates, GET
  /subscribe-templates);
- ``quota``: a shopper's sends per template (counted by conditional writes), and
  ``subscriptions``: the accepts the mini-program reports (POST /me/subscriptions).

``keywords`` and ``events`` are standard library only: imported by whichever function sends, they
must stay light on a cold start."""
