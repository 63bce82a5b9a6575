"""Adapters for WeChat's server APIs. Base URLs and credentials come from shop.adapters.config, so the local
stack and the tests point them at the WeChat simulator by configuration alone."""
