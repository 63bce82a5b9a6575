"""Growth's models: coupon templates and coupons, the growth config and share views."""
