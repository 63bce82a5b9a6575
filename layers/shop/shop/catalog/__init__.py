"""Catalog: categories, products and SKUs as shoppers browse them (products), the merchant's writes
(admin), SKU keys and stock states (skus) and the models of both."""
