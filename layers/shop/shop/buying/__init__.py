"""Buying: the journey from cart to after-sales.

cart, addresses (with regions), shipping (freight templates, pickup stores), checkout (pricing a
request into a quote), orders (the order record and its state changes), refunds, payments (applying
WeChat Pay's word about a payment) and purchase (placing, paying, cancelling and expiring orders,
which call WeChat Pay). Models are in buying.models."""
