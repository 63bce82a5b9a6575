"""Staff roles and what each may do. Every /admin route names the one permission it needs
(shop.edge.auth.staff_with); a staff member whose role lacks it gets 403 ``permission_denied``.
docs/staff.md shows the same table.

The role is on the staff account (PK=MERCHANT#<name> SK=ACCOUNT, ``role``), read by the check every
/admin call already makes (shop.staff.sessions), so a permission costs no extra request, and a
changed role counts from the next call.
"""

from __future__ import annotations

# permissions, by what they guard
DASHBOARD_READ = "dashboard.read"  # the data dashboard (数据看板): sales, traffic, refunds
ORDERS_READ = "orders.read"  # the order desk: list, detail, timeline
ORDERS_WRITE = "orders.write"  # merchant remarks, a shipment's tracking number
ORDERS_SHIP = "orders.ship"  # ship an order (one or several parcels), the carrier list
ORDERS_EXPORT = "orders.export"  # CSV export of a date range
REFUNDS_READ = "refunds.read"  # the after-sales queue
REFUNDS_DECIDE = "refunds.decide"  # approve or reject a refund request
REFUNDS_RECEIVE = "refunds.receive"  # record a returned parcel as received
PICKUP_VERIFY = "pickup.verify"  # verify a pickup code at the counter (核销)
CATALOG_READ = "catalog.read"  # products (incl. unpublished), categories, stock ledger, export
CATALOG_WRITE = "catalog.write"  # categories, products, SKUs, prices, publish, delete, uploads, import
STOCK_WRITE = "stock.write"  # set or adjust stock with a reason
COUPONS_READ = "coupons.read"
COUPONS_WRITE = "coupons.write"  # define, extend, stop coupon templates
GROWTH_READ = "growth.read"
GROWTH_WRITE = "growth.write"  # the gift pack and share reward tiers
CUSTOMERS_READ = "customers.read"  # the customer list, a buyer's orders, coupons and spend (phone masked)
CUSTOMERS_CONTACT = "customers.contact"  # see phone numbers and addresses unmasked
CUSTOMERS_BLOCK = "customers.block"  # block and unblock shoppers
SETTINGS_READ = "settings.read"
SETTINGS_WRITE = "settings.write"  # shop profile, freight templates, pickup stores, timeouts, buyer limits
RECONCILIATION_READ = "reconciliation.read"  # daily reconciliation reports
RECONCILIATION_RUN = "reconciliation.run"  # re-run a day's reconciliation
AUDIT_READ = "audit.read"  # the audit log
STAFF_MANAGE = "staff.manage"  # invite staff, change roles, disable, unlock, end their sessions
ACCOUNT_SELF = "account.self"  # one's own sign-ins (devices), second factor and password: every role

PERMISSIONS = (DASHBOARD_READ, ORDERS_READ, ORDERS_WRITE, ORDERS_SHIP, ORDERS_EXPORT, REFUNDS_READ, REFUNDS_DECIDE, REFUNDS_RECEIVE,
               PICKUP_VERIFY, CATALOG_READ, CATALOG_WRITE, STOCK_WRITE, COUPONS_READ, COUPONS_WRITE, GROWTH_READ,
               GROWTH_WRITE, CUSTOMERS_READ, CUSTOMERS_CONTACT, CUSTOMERS_BLOCK, SETTINGS_READ, SETTINGS_WRITE,
               RECONCILIATION_READ, RECONCILIATION_RUN, AUDIT_READ, STAFF_MANAGE, ACCOUNT_SELF)

# Permissions no route is guarded by, that a route checks inside to show more (StaffMember.may).
REFINING = frozenset({CUSTOMERS_CONTACT})

OWNER = "owner"
ROLES: dict[str, frozenset[str]] = {
    OWNER: frozenset(PERMISSIONS),  # 店主: everything
    "manager": frozenset({  # 运营: runs the shop, but not money reports, the audit log or staff
        DASHBOARD_READ, ORDERS_READ, ORDERS_WRITE, ORDERS_SHIP, ORDERS_EXPORT, REFUNDS_READ, REFUNDS_DECIDE, REFUNDS_RECEIVE,
        PICKUP_VERIFY, CATALOG_READ, CATALOG_WRITE, STOCK_WRITE, COUPONS_READ, COUPONS_WRITE, GROWTH_READ,
        GROWTH_WRITE, CUSTOMERS_READ, CUSTOMERS_CONTACT, CUSTOMERS_BLOCK, SETTINGS_READ, SETTINGS_WRITE, ACCOUNT_SELF}),
    "customer_service": frozenset({  # 客服: orders and after-sales, customers' contact details
        ORDERS_READ, ORDERS_WRITE, REFUNDS_READ, REFUNDS_DECIDE, REFUNDS_RECEIVE, CATALOG_READ, COUPONS_READ,
        CUSTOMERS_READ, CUSTOMERS_CONTACT, ACCOUNT_SELF}),
    "finance": frozenset({  # 财务: reads the money, runs reconciliation, reads the audit log
        DASHBOARD_READ, ORDERS_READ, ORDERS_EXPORT, REFUNDS_READ, CATALOG_READ, COUPONS_READ, GROWTH_READ, CUSTOMERS_READ,
        SETTINGS_READ, RECONCILIATION_READ, RECONCILIATION_RUN, AUDIT_READ, ACCOUNT_SELF}),
    "pickup_verifier": frozenset({PICKUP_VERIFY, ACCOUNT_SELF}),  # 核销员: the pickup counter only
}
# Roles whose sign-in needs a second factor (TOTP); optional for the others (docs/staff.md).
SECOND_FACTOR_REQUIRED = frozenset({OWNER, "finance"})
LABELS = {OWNER: "店主", "manager": "运营", "customer_service": "客服", "finance": "财务", "pickup_verifier": "核销员"}


def allows(role: str | None, permission: str) -> bool:
    """Whether ``role`` has ``permission``; an unknown or missing role has none."""
    return permission in ROLES.get(role or "", frozenset())
