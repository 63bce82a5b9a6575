"""Staff roles and what each may do. Every /admin route names the one permission it needs
(shop.edge.auth.staff_with); a staff member whose role lacks it gets 403 ``permission_denied``.
docs/staff.md shows the same table.

The role is on the staff account (PK=MERCHANT#<name> SK=ACCOUNT, ``role``), read by the check every
/admin call already makes (shop.staff.sessions), so a permission costs no extra request, and a
changed role counts from the next call.
"""

from __future__ import annotations

# permissions, by what they guard
ORDERS_READ = "orders.read"  # an order's detail
ORDERS_SHIP = "orders.ship"  # ship an order
REFUNDS_DECIDE = "refunds.decide"  # approve or reject a refund request
REFUNDS_RECEIVE = "refunds.receive"  # record a returned parcel as received
COUPONS_READ = "coupons.read"
COUPONS_WRITE = "coupons.write"  # define, extend, stop coupon templates
GROWTH_READ = "growth.read"
GROWTH_WRITE = "growth.write"  # the gift pack and share reward tiers
CUSTOMERS_BLOCK = "customers.block"  # block and unblock shoppers

PERMISSIONS = (ORDERS_READ, ORDERS_SHIP, REFUNDS_DECIDE, REFUNDS_RECEIVE, COUPONS_READ, COUPONS_WRITE,
               GROWTH_READ, GROWTH_WRITE, CUSTOMERS_BLOCK)

OWNER = "owner"
ROLES: dict[str, frozenset[str]] = {
    OWNER: frozenset(PERMISSIONS),  # 店主: everything
    "manager": frozenset({ORDERS_READ, ORDERS_SHIP, REFUNDS_DECIDE, REFUNDS_RECEIVE, COUPONS_READ, COUPONS_WRITE,
                          GROWTH_READ, GROWTH_WRITE, CUSTOMERS_BLOCK}),  # 运营
    "customer_service": frozenset({ORDERS_READ, REFUNDS_DECIDE, REFUNDS_RECEIVE, COUPONS_READ}),  # 客服
    "finance": frozenset({ORDERS_READ, COUPONS_READ, GROWTH_READ}),  # 财务
    "pickup_verifier": frozenset({ORDERS_READ}),  # 核销员
}
LABELS = {OWNER: "店主", "manager": "运营", "customer_service": "客服", "finance": "财务", "pickup_verifier": "核销员"}


def allows(role: str | None, permission: str) -> bool:
    """Whether ``role`` has ``permission``; an unknown or missing role has none."""
    return permission in ROLES.get(role or "", frozenset())
