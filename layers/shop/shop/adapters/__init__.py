"""Adapters: the only code that reaches outside the process - DynamoDB (db), the shared botocore
clients (aws), settings and secrets (config), time (clock), HTTP (httpclient), logs and metrics
(observability), token signing and verification (tokens, signer, rsa), stream batches (streams) and
WeChat's server APIs (wechat/). Every endpoint and credential comes from configuration, so the local
stack and the tests point them elsewhere without a branch in the code."""
