"""Messaging: subscribe messages (订阅消息) to shoppers. ``keywords`` holds WeChat's keyword value
rules, applied before a message is sent (shop.adapters.wechat.subscribe sends it). Standard library
only: imported by whichever function sends, so it must stay light on a cold start."""
