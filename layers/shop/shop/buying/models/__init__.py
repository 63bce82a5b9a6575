"""Buying's request and response models (cart, addresses, checkout, orders, after-sales, places)."""
