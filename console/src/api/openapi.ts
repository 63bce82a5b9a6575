// Generated from docs/openapi.json by infra/tools/ts_client.py (make openapi): do not edit.
// The typed client of the merchant console (the /admin/ routes): createClient(transport) gives one function per
// operation; the transport sends the request (and owns tokens, retries and error messages).
/* eslint-disable */

/** An account as the merchant sees it after blocking or unblocking it. */
export interface AccountStatus {
  user_id: string
  blocked: boolean
  blocked_at?: string | null
  blocked_reason?: string | null
  blocked_by?: string | null
}

/** An address as an order keeps it (a copy: editing the address book later does not change it). */
export interface AddressSnapshot {
  name: string
  phone: string
  province: string
  city: string
  district: string
  detail: string
  postal_code?: string | null
}

export interface AdminCategory {
  id: string
  name: string
  icon_url?: string | null
  /** Display order, ascending */
  sort: number
  hidden?: boolean
}

export interface AdminCategoryList {
  items: AdminCategory[]
}

export interface AdminDetailBlock {
  type: 'text' | 'image'
  text?: string | null
  url?: string | null
  width?: number | null
  height?: number | null
}

export interface AdminPickupStore {
  id: string
  name: string
  address: string
  phone: string
  /** Opening hours, e.g. 10:00-21:00 */
  hours: string
  latitude?: number | null
  longitude?: number | null
  verifiers?: string[]
  active?: boolean
  version?: number
  updated_at?: string | null
  updated_by?: string | null
}

export interface AdminPickupStoreList {
  items: AdminPickupStore[]
}

export interface AdminProduct {
  id: string
  title: string
  subtitle?: string | null
  category_id: string
  images: string[]
  video?: Video | null
  detail?: DetailBlock[]
  specs: SpecDimension[]
  skus: AdminSku[]
  tags?: string[]
  sort_weight?: number
  status: 'on_sale' | 'off_shelf' | 'deleted'
  version: number
  sales?: number
  created_at: string
  updated_at?: string | null
  /** SKUs removed from the matrix (kept for orders that hold them) */
  retired_skus?: string[]
}

export interface AdminProductPage {
  items: AdminProductSummary[]
  next_cursor?: string | null
}

export interface AdminProductSummary {
  id: string
  title: string
  category_id: string
  cover_url: string
  /** Amount in fen (1 yuan = 100 fen) */
  price_min: number
  /** Amount in fen (1 yuan = 100 fen) */
  price_max: number
  status: 'on_sale' | 'off_shelf' | 'deleted'
  version: number
  sku_count: number
  created_at: string
  updated_at?: string | null
}

export interface AdminSku {
  id: string
  specs: Record<string, string>
  /** Amount in fen (1 yuan = 100 fen) */
  price: number
  original_price?: number | null
  /** Units still sellable (unpaid orders have already taken theirs) */
  stock: number
  sold?: number
  code?: string | null
  image_url?: string | null
  max_per_order?: number | null
  limit_per_buyer?: number | null
  weight_grams?: number
}

export interface AdminSkuInput {
  /** <product id>.<variant>; leave out for a new SKU (an existing SKU with the same specs keeps its id) */
  id?: string | null
  specs: Record<string, string>
  /** Amount in fen (1 yuan = 100 fen) */
  price: number
  /** 划线价; at least the price */
  original_price?: number | null
  /** Opening stock of a SKU this save creates; ignored for an existing SKU (its stock changes through POST /admin/skus/{id}/stock) */
  stock?: number
  /** SKU code, unique in the shop */
  code?: string | null
  image_url?: string | null
  max_per_order?: number | null
  limit_per_buyer?: number | null
  /** Weight in grams, for freight templates by weight (按重量计费); 0 when unknown */
  weight_grams?: number
}

export interface AdminSpec {
  name: string
  values: string[]
}

export interface AdminVideo {
  url: string
  cover_url?: string | null
  duration_seconds?: number | null
}

export interface AuditEntry {
  at: string
  actor: string
  /** <context>.<thing>.<verb>, e.g. staff.member.role */
  action: string
  target_type: string
  target_id: string
  before?: unknown
  after?: unknown
  /** the fields whose values differ */
  changed?: string[]
  note?: string | null
}

export interface AuditPage {
  items: AuditEntry[]
  /** more entries (older); a page may hold fewer than limit */
  next_cursor?: string | null
  /** the first Beijing day searched */
  from_day: string
  /** the last Beijing day searched */
  to_day: string
}

export interface BlockRequest {
  /** Why (kept on the account, shown to staff) */
  reason: string
}

export interface Carrier {
  /** delivery_id */
  id: string
  name: string
}

export interface CarrierList {
  items: Carrier[]
  fetched_at: string
}

export interface CategoryCreate {
  id?: string | null
  name: string
  icon_url?: string | null
  /** Default: after the last one */
  sort?: number | null
  hidden?: boolean
}

export interface CategoryOrder {
  /** Every category id, in display order */
  ids: string[]
}

export interface CategoryPatch {
  name?: string | null
  icon_url?: string | null
  sort?: number | null
  hidden?: boolean | null
}

export interface CouponScope {
  type?: 'all' | 'categories' | 'products'
  /** Category or product ids */
  ids?: string[]
}

export interface CouponTemplate {
  name: string
  /** amount: a fixed sum off; percent: pay `percent`% (80 = 8折) */
  kind: 'amount' | 'percent'
  /** For kind=amount: fen off */
  amount?: number | null
  /** For kind=percent: the share paid */
  percent?: number | null
  /** For kind=percent: the most it takes off */
  max_discount?: number | null
  /** Spend at least this much in scope (满); 0 = no threshold */
  threshold?: number
  scope?: CouponScope
  /** Combinable with other stackable coupons; else exclusive */
  stackable?: boolean
  id: string
  /** e.g. 满100减20, 8折 最多减50, 无门槛减50 */
  description: string
  valid_from?: string | null
  valid_until?: string | null
  valid_days?: number | null
  claim_from?: string | null
  claim_until?: string | null
  total: number
  /** How many have been claimed or granted */
  issued: number
  remaining: number
  per_user_limit: number
  new_user_only: boolean
  /** false: only granted (gift pack, share rewards), never in GET /coupons */
  claimable: boolean
}

/**
 * PATCH /admin/coupons/{id}: what a running campaign may change. The rule, the validity and the
 * limits of coupons already held never change (each held coupon carries its own copy).
 */
export interface CouponTemplateChange {
  /** The new total: more to extend a campaign (a share reward that found its coupon used up is then granted), or fewer, never below how many were issued */
  total?: number | null
  /** Claimable from (ISO 8601; without an offset, Beijing time) */
  claim_from?: string | null
  /** Claimable until: now to stop a campaign */
  claim_until?: string | null
}

/** POST /admin/coupons. */
export interface CouponTemplateInput {
  name: string
  /** amount: a fixed sum off; percent: pay `percent`% (80 = 8折) */
  kind: 'amount' | 'percent'
  /** For kind=amount: fen off */
  amount?: number | null
  /** For kind=percent: the share paid */
  percent?: number | null
  /** For kind=percent: the most it takes off */
  max_discount?: number | null
  /** Spend at least this much in scope (满); 0 = no threshold */
  threshold?: number
  scope?: CouponScope
  /** Combinable with other stackable coupons; else exclusive */
  stackable?: boolean
  /** Chosen id; generated when absent */
  id?: string | null
  /** Fixed validity window start (ISO 8601; without an offset it is Beijing time) */
  valid_from?: string | null
  /** Fixed validity window end (same form) */
  valid_until?: string | null
  /** Or: valid this many days from claiming */
  valid_days?: number | null
  /** Claimable in the coupon center from (same form) */
  claim_from?: string | null
  /** Claimable until (same form) */
  claim_until?: string | null
  /** How many can ever be issued */
  total: number
  /** How many times one buyer may claim it, ever (using a coupon does not free a claim) */
  per_user_limit?: number
  /** Only for buyers without a paid order */
  new_user_only?: boolean
  /** Shown in GET /coupons; false for gift-pack and reward coupons */
  claimable?: boolean
}

export interface CouponTemplateList {
  items: CouponTemplate[]
}

export interface CustomerAddress {
  name: string
  /** Masked (138****8000) unless the role may see contact details */
  phone: string
  region: string
  /** Masked unless the role may see contact details */
  detail: string
}

export interface CustomerDetail {
  id: string
  nickname: string
  avatar_url?: string | null
  created_at: string
  blocked?: boolean
  blocked_reason?: string | null
  /** Orders placed, in any state */
  orders_count: number
  /** Orders that were paid (whatever happened after) */
  paid_orders: number
  /** Paid minus refunded, over every paid order */
  spend: number
  /** The 20 most recent orders */
  recent_orders: CustomerOrder[]
  coupons: MyCoupon[]
  addresses: CustomerAddress[]
  /** Whether phone numbers and addresses are shown unmasked */
  contact_visible: boolean
}

export interface CustomerOrder {
  id: string
  status: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CANCELLED' | 'CLOSED' | 'PAYMENT_EXCEPTION'
  /** Amount in fen (1 yuan = 100 fen) */
  payable: number
  /** Amount in fen (1 yuan = 100 fen) */
  refunded_total?: number
  created_at: string
  paid_at?: string | null
}

export interface CustomerPage {
  items: CustomerSummary[]
  /** Pass back as cursor for the next page; null on the last one */
  next_cursor: string | null
}

export interface CustomerSummary {
  id: string
  nickname: string
  avatar_url?: string | null
  created_at: string
  blocked?: boolean
}

export interface DashboardDay {
  /** the Beijing day */
  day: string
  timezone: string
  generated_at: string
  totals: DashboardTotals
  /** 24 Beijing hours, 0-23 */
  hours: Hour[]
  sources: Source[]
  /** up to 10, by amount paid */
  top_products: TopProduct[]
  /** when products' views and cart adds were last rolled up (hourly; UTC); null before the first roll-up of the day. Units and amount paid, and every total, are counted as payments arrive */
  product_traffic_as_of: string | null
}

export interface DashboardRange {
  from: string
  to: string
  timezone: string
  generated_at: string
  /** unique people summed over the days */
  totals: DashboardTotals
  days: Day[]
  sources: Source[]
}

export interface DashboardTotals {
  /** openings of the mini-program (onShow), crawler/test scenes excluded */
  visits: number
  /** 访客数: unique visitors (a logged-in user, else the app's anonymous id) */
  visitors: number
  product_views: number
  /** 商品访客数: unique visitors who opened a product */
  product_visitors: number
  cart_adds: number
  /** 加购人数 */
  cart_visitors: number
  checkout_starts: number
  checkout_visitors: number
  shares: number
  /** 下单笔数 */
  orders: number
  /** 下单金额 */
  order_amount: number
  /** 下单买家数 */
  order_buyers: number
  /** 支付订单数 */
  paid_orders: number
  /** 支付金额 (GMV): freight included, coupons off, NOT net of refunds */
  pay_amount: number
  /** 支付买家数 */
  pay_buyers: number
  /** 新买家: paid for the first time ever */
  new_buyers: number
  /** 成功退款笔数, on the day the refund succeeded */
  refunds: number
  /** 成功退款金额 */
  refund_amount: number
  /** 新用户: shoppers who logged in for the first time */
  new_users: number
  /** 老买家: paying buyers who had paid before */
  returning_buyers: number
  /** 客单价 = 支付金额 ÷ 支付买家数 (fen, half up); null without buyers */
  avg_order_value: number | null
  /** 支付转化率 = 支付买家数 ÷ 访客数 */
  pay_conversion: number | null
  /** 复购率 = 老买家 ÷ 支付买家数 */
  repurchase_rate: number | null
  /** ARPU (访客价值) = 支付金额 ÷ 访客数 (fen, half up) */
  arpu: number | null
  /** 退款率 = 成功退款金额 ÷ 支付金额 */
  refund_rate: number | null
  funnel: FunnelStep[]
}

export interface Day {
  /** openings of the mini-program (onShow), crawler/test scenes excluded */
  visits: number
  /** 访客数: unique visitors (a logged-in user, else the app's anonymous id) */
  visitors: number
  product_views: number
  /** 商品访客数: unique visitors who opened a product */
  product_visitors: number
  cart_adds: number
  /** 加购人数 */
  cart_visitors: number
  checkout_starts: number
  checkout_visitors: number
  shares: number
  /** 下单笔数 */
  orders: number
  /** 下单金额 */
  order_amount: number
  /** 下单买家数 */
  order_buyers: number
  /** 支付订单数 */
  paid_orders: number
  /** 支付金额 (GMV): freight included, coupons off, NOT net of refunds */
  pay_amount: number
  /** 支付买家数 */
  pay_buyers: number
  /** 新买家: paid for the first time ever */
  new_buyers: number
  /** 成功退款笔数, on the day the refund succeeded */
  refunds: number
  /** 成功退款金额 */
  refund_amount: number
  /** 新用户: shoppers who logged in for the first time */
  new_users: number
  day: string
}

export interface DaySummary {
  /** Beijing day, YYYY-MM-DD */
  day: string
  /** pending: not run yet, or WeChat Pay has not published the bill */
  status: 'clean' | 'differences' | 'error' | 'pending'
  /** how many times the day was reconciled */
  version?: number
  run_at?: string | null
  run_by?: string | null
  differences_count?: number
  error_code?: string | null
}

export interface DeskParcel {
  id?: string | null
  /** The carrier's name (or WeChat's delivery_id when no name is kept) */
  carrier: string
  /** WeChat's delivery_id */
  carrier_code?: string | null
  tracking_no: string
  lines?: (Record<string, unknown>)[]
  shipped_at?: string | null
  shipped_by?: string | null
  /** When its tracking number was last changed */
  changed_at?: string | null
}

/**
 * A refund as the order keeps its summary (``refund_log``, from the table's stream), with the
 * merchant's decision.
 */
export interface DeskRefund {
  id: string
  status: 'REQUESTED' | 'AWAITING_RETURN' | 'PROCESSING' | 'SUCCEEDED' | 'ABNORMAL' | 'CLOSED' | 'REJECTED'
  /** Amount in fen (1 yuan = 100 fen) */
  amount: number
  reason: string
  lines: (Record<string, number | string>)[]
  /** Amount in fen (1 yuan = 100 fen) */
  freight: number
  requested_by: 'user' | 'merchant' | 'system'
  /** refund_only (仅退款) or return (退货退款: the money goes back once the merchant has received the goods, which go back on sale) */
  kind?: 'refund_only' | 'return'
  /** Whether the units go back on sale: before shipping at once, for a return when the merchant receives it, never for refund_only after shipping */
  restock?: boolean
  created_at: string
  merchant_note?: string | null
  /** When the merchant received the returned goods */
  returned_at?: string | null
  /** WeChat Pay's last refusal (e.g. NOT_ENOUGH: the merchant's balance is short); retried automatically while status is PROCESSING */
  failure?: string | null
  /** Submissions WeChat Pay refused so far */
  attempts?: number
  /** When the refund is submitted again */
  next_attempt_at?: string | null
  settled_at?: string | null
  decided_at?: string | null
  decided_by?: string | null
}

/** A block of the rich detail page (商品详情): text or an image, in order. */
export interface DetailBlock {
  type: 'text' | 'image'
  text?: string | null
  url?: string | null
  width?: number | null
  height?: number | null
}

export interface Device {
  session_id: string
  /** password (the web console) or wechat (the mini-program) */
  channel: string
  /** a label from the user agent, e.g. Chrome on Windows */
  device: string
  ip: string
  created_at: string
  last_used_at: string
  /** when it ends unless used again (idle timeout or absolute lifetime) */
  expires_at: string
  /** the sign-in this request was made with */
  current: boolean
}

export interface Devices {
  items: Device[]
}

export interface Difference {
  kind: 'payment_missing_in_shop' | 'payment_missing_at_wechat' | 'payment_amount_mismatch' | 'refund_missing_in_shop' | 'refund_missing_at_wechat' | 'refund_amount_mismatch' | 'refund_not_settled' | 'unexpected_row'
  /** the shop's order (WeChat Pay's out_trade_no) */
  order_id?: string | null
  transaction_id?: string | null
  /** out_refund_no, for refunds */
  refund_id?: string | null
  /** fen, as the shop has it (absent: the shop has nothing) */
  shop_amount?: number | null
  /** fen, as WeChat Pay's bill has it (absent: not in the bill) */
  wechat_amount?: number | null
  shop_status?: string | null
  /** the bill's refund state (SUCCESS, PROCESSING, REFUNDCLOSE, CHANGE) */
  wechat_status?: string | null
}

export interface EffectiveRules {
  payment_timeout_seconds: number
  auto_complete_days: number
  max_open_unpaid: number
  max_per_sku: number
}

/** Every code the API answers in error.code; the HTTP status says the kind of failure, the code says which one (a client may branch on it; new codes may be added). */
export type ErrorCode =
  | 'account_blocked' // The merchant has blocked this shopper's account
  | 'account_disabled' // The staff account is disabled
  | 'account_locked' // The staff account is locked after repeated failed sign-ins; an owner must unlock it
  | 'account_not_locked' // Unlock asked for a staff account that is not locked
  | 'address_book_full' // The address book holds the maximum number of addresses
  | 'address_not_found' // No such address in the buyer's address book
  | 'address_required' // A delivered order needs a shipping address
  | 'after_sales_closed' // The order's after-sales period is over
  | 'bad_range' // The dashboard date range ends before it starts
  | 'bad_request' // ShopError's own default; a raised error normally carries a more specific code
  | 'bill_not_ready' // WeChat Pay has not published the day's bill yet (usually after 10:00 the next day)
  | 'buyer_limit_reached' // More units than this buyer may still buy of a limited SKU
  | 'cannot_change_self' // A staff member cannot change their own role or disable themselves
  | 'carrier_required' // An express parcel needs a carrier and a tracking number
  | 'cart_changed' // The cart changed concurrently; retry
  | 'cart_full' // The cart holds the maximum number of distinct SKUs
  | 'category_changed' // The categories changed concurrently; reload and retry
  | 'category_exists' // A category with this id already exists
  | 'category_not_found' // No such category (or the product's category no longer exists)
  | 'configuration' // The payment callback address is not known (deployment setting); the operator must fix it
  | 'conflict' // Generic 409: the request conflicts with the current state
  | 'coupon_below_threshold' // The order's in-scope amount is below the coupon's threshold
  | 'coupon_claim_closed' // The coupon cannot be claimed now (outside its claim window or not claimable)
  | 'coupon_expired' // The coupon has expired
  | 'coupon_limit_reached' // The buyer already holds as many of this coupon as allowed
  | 'coupon_locked' // The coupon is held by another unpaid order
  | 'coupon_new_users_only' // This coupon is for new customers only
  | 'coupon_not_found' // No such coupon (or the buyer does not hold it)
  | 'coupon_not_in_scope' // No item of the order is in the coupon's scope
  | 'coupon_not_stackable' // The chosen coupons include one that cannot be combined with others
  | 'coupon_not_yet_valid' // The coupon's validity has not started yet
  | 'coupon_sold_out' // All coupons of this template have been claimed
  | 'coupon_template_claimable' // Gift and reward coupons must come from templates with claimable=false
  | 'coupon_unavailable' // A coupon of the order was taken by another order or expired meanwhile
  | 'coupon_used' // The coupon has already been used
  | 'customer_not_found' // No such customer
  | 'date_range_too_long' // The audit log query spans more days than allowed; details.max_days
  | 'day_not_over' // Only a Beijing day that has ended can be reconciled
  | 'day_too_old' // WeChat Pay keeps bills only for a limited number of past days
  | 'exceeds_max_per_order' // More units of a SKU than one order may hold
  | 'export_not_found' // No such order export (or it has expired)
  | 'file_too_large' // The uploaded file is larger than allowed
  | 'forbidden' // Generic 403: this action is not allowed
  | 'idempotency_key_required' // POST /orders needs an Idempotency-Key header
  | 'idempotency_key_reused' // The Idempotency-Key was already used for a different order
  | 'insufficient_stock' // Fewer units in stock than asked for; details or the problem say how many are available
  | 'internal_error' // An unexpected server error; it has been logged
  | 'invalid_category_order' // The reorder must list every category exactly once
  | 'invalid_claim_window' // A coupon template's claim_from must be before claim_until
  | 'invalid_code' // The wx.login() code is invalid or already used; call wx.login() again
  | 'invalid_credentials' // Staff sign-in failed: wrong name or password
  | 'invalid_csv' // The uploaded product CSV is not UTF-8 or lacks required columns
  | 'invalid_cursor' // The pagination cursor is not valid for this query; start again without it
  | 'invalid_date' // A date parameter (YYYY-MM-DD) names a day that does not exist
  | 'invalid_date_range' // The audit log query has from after to
  | 'invalid_day' // The reconciliation day is not a YYYY-MM-DD date
  | 'invalid_idempotency_key' // The Idempotency-Key must be 8-64 letters, digits, '-' or '_'
  | 'invalid_keyword_mapping' // A subscribe-message template's keywords do not fit the event; details.problems names each keyword
  | 'invalid_parcels' // The parcels do not fit the delivery kind (lines, carrier or tracking number)
  | 'invalid_range' // An order search date range ends before it starts
  | 'invalid_refresh_token' // The refresh token is unknown, expired or revoked; sign in again
  | 'invalid_request' // The request is not valid; for failed validation, details lists each bad field
  | 'invalid_sku_id' // A SKU id must start with its product id and a dot
  | 'invalid_subscribe_page' // A subscribe-message template's page has a placeholder the event does not offer
  | 'invalid_target_filter' // target_type and target_id must be given together
  | 'invalid_token' // The bearer token is malformed, badly signed or its account no longer exists; log in again
  | 'invalid_totp_code' // The authenticator (TOTP) code is wrong, expired or already used
  | 'invite_expired' // The invitation has expired
  | 'invite_not_found' // No such staff invitation, or the invite code is wrong
  | 'invite_not_pending' // The invitation was already accepted, withdrawn or has expired
  | 'invite_used' // The invite code has already been used
  | 'invite_withdrawn' // The owner withdrew this invitation
  | 'line_not_in_order' // The refund names a SKU that is not in the order
  | 'malformed_json' // The request body is not valid UTF-8 JSON
  | 'merchant_not_found' // No merchant (staff) account with this name
  | 'method_not_allowed' // The path exists but not with this HTTP method; details.allowed lists the methods
  | 'name_taken' // This staff account name is already in use
  | 'not_a_sign_in' // The merchant token does not belong to a sign-in, so there is nothing to sign out
  | 'not_an_active_owner' // Only an active owner may change staff (the caller's role or status just changed)
  | 'not_express' // Only express parcels have tracking numbers
  | 'not_found' // Generic 404: the resource does not exist
  | 'not_pickup_order' // The order is not a store-pickup order
  | 'not_staff' // This WeChat user is not bound to any staff account
  | 'not_store_verifier' // The staff member is not a verifier of this store
  | 'nothing_to_change' // The staff update names no field to change
  | 'nothing_to_pick_up' // Every item of the order has been refunded
  | 'nothing_to_refund' // Every item of the order is already refunded or being refunded
  | 'nothing_to_ship' // The order has nothing left to ship
  | 'off_shelf' // The product is not on sale
  | 'open_orders_limit' // The buyer has too many unpaid orders; details.limit
  | 'order_already_paid' // The order has already been paid
  | 'order_changed' // The order changed concurrently; reload and retry
  | 'order_not_cancellable' // Only an order awaiting payment can be cancelled
  | 'order_not_changeable' // The order is completed or closed; its tracking numbers cannot change
  | 'order_not_confirmable' // Only a shipped order can be confirmed as received
  | 'order_not_found' // No such order
  | 'order_not_payable' // The order is not awaiting payment (or its payment time is over)
  | 'order_not_pickable' // The order can no longer be picked up (cancelled, refunded or completed)
  | 'order_not_shippable' // Only a paid order can be shipped
  | 'order_too_large' // The order has too many limited SKUs for one transaction; split it
  | 'out_of_stock' // A SKU in the order has no stock left
  | 'owner_exists' // The shop's owner account has already been created
  | 'payload_too_large' // The request body is larger than the route accepts
  | 'permission_denied' // The staff member's role lacks this permission; details names the permission and role
  | 'pickup_attempts_exceeded' // Too many wrong pickup codes; details say when to retry
  | 'pickup_code_not_found' // The pickup code is not valid
  | 'pickup_code_unavailable' // A pickup code could not be generated; retry
  | 'pickup_code_used' // The pickup code has already been redeemed
  | 'pickup_not_ready' // The order has no pickup code (not paid yet, or no longer pickable)
  | 'pickup_store_not_found' // No such pickup store
  | 'pickup_store_required' // A pickup order needs a pickup store
  | 'prepay_refused' // WeChat Pay refused to create the payment
  | 'product_exists' // A product with this id already exists
  | 'product_not_found' // No such product
  | 'product_save_too_large' // Saving the product needs more than 100 writes (one transaction); save in two steps
  | 'push_not_json' // A WeChat message push body is not a JSON object (configure the push format as JSON)
  | 'push_rejected' // A WeChat message push failed signature, freshness or decryption checks
  | 'quantity_exceeds_unshipped' // A parcel holds more units than are still unshipped
  | 'range_too_long' // A date range is longer than allowed; details.max_days
  | 'rate_limited' // WeChat refused the login: too many logins for this user; wait a minute
  | 'reconciliation_changed' // Another reconciliation run of that day stored its report first; reload
  | 'refresh_token_reused' // An already-used refresh token was presented; that sign-in has been revoked
  | 'refund_exceeds_order' // More units asked to refund than are still refundable
  | 'refund_in_progress' // The order has a refund in progress
  | 'refund_not_allowed' // The order cannot be refunded in its current status
  | 'refund_not_awaiting_return' // The refund is not waiting for the buyer's return
  | 'refund_not_found' // No such refund
  | 'refund_not_pending' // The refund has already been handled
  | 'reship_used' // WeChat allows changing the shipping information only once; it was already changed
  | 'route_not_found' // No route matches this method and path
  | 'same_coupon_twice' // Two coupons of the same template in one order
  | 'second_factor_already_enabled' // The authenticator (TOTP) is already enabled for this account
  | 'second_factor_required' // This staff account needs its TOTP code (or must sign in on the console, not WeChat)
  | 'second_factor_setup_required' // Owners and finance must enrol a TOTP authenticator; details holds the enrolment
  | 'service_unavailable' // Busy or a transient AWS error; retry shortly (see Retry-After)
  | 'session_expired' // The staff sign-in passed its idle or absolute lifetime; sign in again
  | 'session_not_found' // No such staff sign-in (device); it may have signed out already
  | 'shipment_not_found' // The order has no such parcel
  | 'sku_code_taken' // A SKU code is already used by another product; details.codes
  | 'sku_not_found' // No such SKU (product spec)
  | 'split_only_express' // Only express deliveries can be split into several parcels
  | 'staff_changed' // The staff account changed concurrently; reload and retry
  | 'staff_not_found' // No staff account with this name
  | 'stale_version' // The settings (shop, freight, a pickup store, a subscribe-message template) were changed by someone else; reload before saving
  | 'stock_busy' // The SKU's stock is changing too often right now; retry
  | 'subscribe_event_not_found' // No such shop event for subscribe messages; details.events lists them
  | 'template_exists' // A coupon template with this id already exists
  | 'token_expired' // The bearer token has expired; log in (or refresh) again
  | 'token_revoked' // The merchant token was revoked (signed out, or all tokens invalidated); get a new one
  | 'too_many_attempts' // Too many sign-in attempts; details.retry_after says how many seconds to wait
  | 'too_many_categories' // The shop already has the maximum number of categories (99)
  | 'too_many_coupons' // More coupons than one order may combine
  | 'too_many_events' // This visitor sent too many analytics event batches this minute
  | 'too_many_parcels' // More parcels than WeChat allows for one order
  | 'too_many_requests' // Generic 429: too many requests; retry later
  | 'too_many_stores' // The shop has the maximum number of pickup stores; details.limit
  | 'total_below_issued' // A coupon template's total cannot be below how many were already issued
  | 'unauthorized' // No credentials: send 'Authorization: Bearer <token>'
  | 'unknown_carrier' // The carrier is not in WeChat's delivery company list
  | 'unknown_coupon_template' // Some coupon templates named in the reward settings do not exist
  | 'unknown_line' // A parcel lists a SKU that is not in the order
  | 'unknown_scope_ids' // Some product or category ids of the coupon's scope do not exist
  | 'unreachable_region' // The shop does not deliver to the address's province
  | 'unsupported_media_type' // The body is not JSON (or not the media type the route takes)
  | 'upload_conflict' // An upload id collided; retry the upload
  | 'upstream_error' // Generic 502: an upstream service answered unexpectedly
  | 'user_blocked' // WeChat has blocked this WeChat account from logging in (high-risk user)
  | 'user_not_found' // No shopper with this id
  | 'version_conflict' // The product was changed by someone else; reload before saving
  | 'weak_password' // The password is too weak; the message says why
  | 'wechat_already_bound' // This WeChat user is already bound to another staff account
  | 'wechat_busy' // WeChat answered that it is busy; retry
  | 'wechat_error' // WeChat answered unexpectedly or refused the shop's credentials (check the AppID/AppSecret)
  | 'wechat_invite_for_verifiers_only' // WeChat-binding invitations are only for pickup verifiers
  | 'wechat_unavailable' // WeChat could not be reached; retry
  | 'wechatpay_error' // WeChat Pay answered unexpectedly or refused a query
  | 'wechatpay_unavailable' // WeChat Pay could not be reached or had a server error; retry
  | 'wechatpay_unverified' // WeChat Pay's answer failed signature verification
  | 'wrong_invite_channel' // The invitation must be accepted through the other channel (console or WeChat)
  | 'wrong_store' // The pickup code belongs to an order of another store

export interface ErrorDetail {
  /** Stable machine-readable code, e.g. invalid_request, not_found */
  code: ErrorCode
  /** Human-readable explanation for the developer */
  message: string
  /** Extra data, e.g. the invalid fields */
  details?: unknown
}

export interface ErrorResponse {
  error: ErrorDetail
}

export interface EventValue {
  /** What a keyword maps to, e.g. product_title */
  name: string
  /** Chinese label, e.g. 商品名称 */
  label: string
  /** An example of the text it fills, e.g. 纯棉圆领T恤 等2件 */
  example: string
  description: string
  /** The keyword types it may fill (the prefix of a keyword: thing, character_string, time, date, amount, phrase, name) */
  fits: string[]
  /** May appear in page as {name} */
  page_placeholder: boolean
}

export interface FreightRule {
  /** Grams (weight) or units (count) the first fee covers */
  first: number
  /** 首重 / 首件 fee */
  first_fee: number
  /** Grams or units each further fee covers */
  step: number
  /** 续重 / 续件 fee per step or part of one */
  step_fee: number
}

export interface FreightSettings {
  /** flat, weight (按重量) or count (按件数) */
  mode?: 'flat' | 'weight' | 'count'
  /** flat: the fee where no province fee applies */
  default_fee?: number
  /** flat: fee by province */
  province_fees?: Record<string, number>
  /** weight / count: the rule where no region rule applies */
  default_rule?: FreightRule | null
  region_rules?: RegionRule[]
  /** Goods total at which delivery is free (包邮) */
  free_threshold?: number | null
  /** Provinces not delivered to */
  unreachable?: string[]
  version?: number
  updated_at?: string | null
  updated_by?: string | null
}

export interface FreightUpdate {
  /** flat, weight (按重量) or count (按件数) */
  mode?: 'flat' | 'weight' | 'count'
  /** flat: the fee where no province fee applies */
  default_fee?: number
  /** flat: fee by province */
  province_fees?: Record<string, number>
  /** weight / count: the rule where no region rule applies */
  default_rule?: FreightRule | null
  region_rules?: RegionRule[]
  /** Goods total at which delivery is free (包邮) */
  free_threshold?: number | null
  /** Provinces not delivered to */
  unreachable?: string[]
  /** The version this change replaces (from GET; 0 when never saved) */
  version: number
}

export interface FunnelStep {
  step: string
  label: string
  people: number
  /** fraction of the step before (4 decimals); null for the first */
  rate_from_previous: number | null
  rate_from_visitors: number | null
}

/** PUT /admin/growth: what a new user gets, and how sharing is rewarded. */
export interface GrowthConfig {
  /** Coupon templates granted once, on a user's first login */
  gift_pack?: string[]
  /** When an invited friend counts: on signing up; when their first order is paid; or (default, hardest to game) when their first order is completed (confirmed by them or completed automatically). A fully refunded order never counts, and a friend whose qualifying order is refunded in full stops counting: the rewards that this undoes are revoked while still unused */
  qualify_on?: 'registration' | 'first_paid_order' | 'first_completed_order'
  tiers?: RewardTier[]
}

/**
 * The body of PUT /admin/growth: the whole configuration, every field named (an empty list
 * empties it), so a body that forgets a field cannot wipe the gift pack or the tiers by accident.
 */
export interface GrowthConfigUpdate {
  /** Coupon templates granted once, on a user's first login ([] for none) */
  gift_pack: string[]
  /** When an invited friend counts: registration, first_paid_order, or first_completed_order (the default of a new shop, hardest to game) */
  qualify_on: 'registration' | 'first_paid_order' | 'first_completed_order'
  /** [] for no share rewards */
  tiers: RewardTier[]
}

export interface Hour {
  /** openings of the mini-program (onShow), crawler/test scenes excluded */
  visits: number
  /** 访客数: unique visitors (a logged-in user, else the app's anonymous id) */
  visitors: number
  product_views: number
  /** 商品访客数: unique visitors who opened a product */
  product_visitors: number
  cart_adds: number
  /** 加购人数 */
  cart_visitors: number
  checkout_starts: number
  checkout_visitors: number
  shares: number
  /** 下单笔数 */
  orders: number
  /** 下单金额 */
  order_amount: number
  /** 下单买家数 */
  order_buyers: number
  /** 支付订单数 */
  paid_orders: number
  /** 支付金额 (GMV): freight included, coupons off, NOT net of refunds */
  pay_amount: number
  /** 支付买家数 */
  pay_buyers: number
  /** 新买家: paid for the first time ever */
  new_buyers: number
  /** 成功退款笔数, on the day the refund succeeded */
  refunds: number
  /** 成功退款金额 */
  refund_amount: number
  /** 新用户: shoppers who logged in for the first time */
  new_users: number
  /** Beijing hour */
  hour: number
}

export interface ImportProblem {
  /** Line number in the file (the header is line 1) */
  line: number
  column?: string | null
  product_id?: string | null
  message: string
}

export interface ImportReport {
  created: string[]
  updated: string[]
  unchanged: string[]
  failed: ImportProblem[]
}

export interface LedgerEntry {
  id: string
  sku_id: string
  delta: number
  after?: number | null
  kind: string
  reason?: string | null
  actor?: string | null
  ref?: string | null
  at: string
}

export interface LedgerPage {
  sku_id: string
  stock: number
  stock_opening: number
  items: LedgerEntry[]
  next_cursor?: string | null
}

export interface LineRequest {
  sku_id: string
  quantity: number
}

export interface MerchantRefundRequest {
  reason: string
  /** After shipping: refund_only (仅退款: keep the goods, nothing goes back on sale) or return (退货退款: send them back; the money follows when the merchant receives them). Before shipping a refund is always refund_only and the units go back on sale at once. */
  kind?: 'refund_only' | 'return'
  /** Units to refund; omit for everything still refundable */
  lines?: LineRequest[] | null
  /** Shown to the buyer */
  note?: string | null
}

export interface MyCoupon {
  name: string
  /** amount: a fixed sum off; percent: pay `percent`% (80 = 8折) */
  kind: 'amount' | 'percent'
  /** For kind=amount: fen off */
  amount?: number | null
  /** For kind=percent: the share paid */
  percent?: number | null
  /** For kind=percent: the most it takes off */
  max_discount?: number | null
  /** Spend at least this much in scope (满); 0 = no threshold */
  threshold?: number
  scope?: CouponScope
  /** Combinable with other stackable coupons; else exclusive */
  stackable?: boolean
  id: string
  template_id: string
  description: string
  valid_from: string
  valid_until: string
  status: 'available' | 'locked' | 'used' | 'expired'
  order_id?: string | null
  /** claimed in the coupon center, the new-user gift pack, or a share reward */
  source?: 'claim' | 'gift' | 'share_reward'
  /** When it was claimed or granted */
  claimed_at: string
  used_at?: string | null
}

export interface Order {
  id: string
  status: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CANCELLED' | 'CLOSED' | 'PAYMENT_EXCEPTION'
  lines: OrderLine[]
  /** Amount in fen (1 yuan = 100 fen) */
  goods_total: number
  /** Amount in fen (1 yuan = 100 fen) */
  freight: number
  /** Amount in fen (1 yuan = 100 fen) */
  discount: number
  /** Amount in fen (1 yuan = 100 fen) */
  payable: number
  coupon_ids?: string[]
  /** Amount in fen (1 yuan = 100 fen) */
  refunded_total?: number
  delivery: 'express' | 'pickup'
  address?: AddressSnapshot | null
  pickup_store?: PickupStore | null
  remark?: string | null
  created_at: string
  /** Unpaid orders are cancelled at this time */
  pay_deadline?: string | null
  paid_at?: string | null
  shipped_at?: string | null
  /** The first parcel (older clients); see shipments */
  shipment?: Shipment | null
  /** Every parcel, in the order shipped */
  shipments?: ShipmentView[]
  /** Reporting the shipping to WeChat */
  shipping_upload?: ShippingUpload | null
  /** WeChat reminded the shop to ship */
  shipping_reminder?: ShippingReminder | null
  /** WeChat's settlement of the payment */
  settlement?: Settlement | null
  completed_at?: string | null
  auto_complete_at?: string | null
  cancelled_at?: string | null
  /** CANCELLED: user, timeout; PAYMENT_EXCEPTION: payment_mismatch (a payment whose amount or app did not match the order, refunded automatically), payment_not_applicable (WeChat Pay reports the order paid but the payment is not there to apply, e.g. already refunded in WeChat Pay) */
  cancel_reason?: 'user' | 'timeout' | 'payment_mismatch' | 'payment_not_applicable' | null
  /** Paid after it was cancelled; refunded automatically */
  late_payment?: boolean
  refunds?: RefundView[]
}

export interface OrderDeskPage {
  items: OrderRow[]
  next_cursor: string | null
}

/**
 * An order for the merchant: everything the buyer sees, plus the buyer, the parcels, the
 * shipping-upload state, the refunds with their decisions, the merchant's remarks and the timeline.
 */
export interface OrderDetail {
  id: string
  status: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CANCELLED' | 'CLOSED' | 'PAYMENT_EXCEPTION'
  lines: OrderLine[]
  /** Amount in fen (1 yuan = 100 fen) */
  goods_total: number
  /** Amount in fen (1 yuan = 100 fen) */
  freight: number
  /** Amount in fen (1 yuan = 100 fen) */
  discount: number
  /** Amount in fen (1 yuan = 100 fen) */
  payable: number
  coupon_ids?: string[]
  /** Amount in fen (1 yuan = 100 fen) */
  refunded_total?: number
  delivery: 'express' | 'pickup'
  address?: AddressSnapshot | null
  pickup_store?: PickupStore | null
  remark?: string | null
  created_at: string
  /** Unpaid orders are cancelled at this time */
  pay_deadline?: string | null
  paid_at?: string | null
  shipped_at?: string | null
  /** The first parcel (older clients); see shipments */
  shipment?: Shipment | null
  /** Every parcel, in the order shipped */
  shipments?: ShipmentView[]
  /** WeChat shipping-info upload state */
  shipping_upload?: Record<string, unknown> | null
  /** WeChat reminded the shop to ship */
  shipping_reminder?: ShippingReminder | null
  /** WeChat's settlement of the payment */
  settlement?: Settlement | null
  completed_at?: string | null
  auto_complete_at?: string | null
  cancelled_at?: string | null
  /** CANCELLED: user, timeout; PAYMENT_EXCEPTION: payment_mismatch (a payment whose amount or app did not match the order, refunded automatically), payment_not_applicable (WeChat Pay reports the order paid but the payment is not there to apply, e.g. already refunded in WeChat Pay) */
  cancel_reason?: 'user' | 'timeout' | 'payment_mismatch' | 'payment_not_applicable' | null
  /** Paid after it was cancelled; refunded automatically */
  late_payment?: boolean
  /** As of the last change the desk has seen (kept on the order from the table's stream, typically under a second behind; docs/order-desk.md) */
  refunds?: DeskRefund[]
  /** The buyer's user id */
  buyer: string
  parcels?: DeskParcel[]
  /** Merchant remarks (never shown to the buyer), oldest first */
  remarks?: OrderRemark[]
  timeline: OrderTimelineEvent[]
}

/** Orders placed from ``from`` to ``to`` (Beijing dates, both included). */
export interface OrderExportRequest {
  from: string
  to: string
  status?: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CANCELLED' | 'CLOSED' | 'PAYMENT_EXCEPTION' | null
  delivery?: 'express' | 'pickup' | null
}

export interface OrderExportView {
  id: string
  status: 'queued' | 'running' | 'done' | 'failed'
  date_from: string
  date_to: string
  filters?: Record<string, string>
  requested_by: string
  created_at: string
  finished_at?: string | null
  rows?: number | null
  /** When done: a link valid for 5 minutes */
  download_url?: string | null
  error?: string | null
}

export interface OrderLine {
  sku_id: string
  product_id: string
  title: string
  specs: Record<string, string>
  image_url?: string | null
  /** Amount in fen (1 yuan = 100 fen) */
  unit_price: number
  quantity: number
  /** Amount in fen (1 yuan = 100 fen) */
  amount: number
  /** Amount in fen (1 yuan = 100 fen) */
  discount?: number
  /** Units not yet refunded or in a refund request */
  refundable_quantity: number
}

export interface OrderRemark {
  at: string
  by: string
  text: string
}

export interface OrderRemarkRequest {
  text: string
}

export interface OrderRemarks {
  /** The order's merchant remarks, oldest first (the newest 50 are kept) */
  remarks: OrderRemark[]
}

/** One order in the desk's list. */
export interface OrderRow {
  id: string
  status: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CANCELLED' | 'CLOSED' | 'PAYMENT_EXCEPTION'
  created_at: string
  paid_at?: string | null
  /** The buyer's user id */
  buyer: string
  /** 收货人 (express orders) */
  receiver?: string | null
  /** The delivery phone, masked (138****8000) */
  phone?: string | null
  delivery: 'express' | 'pickup'
  /** The first line's title (and how many more lines) */
  title: string
  /** Units in the order */
  quantity: number
  /** Amount in fen (1 yuan = 100 fen) */
  payable: number
  /** Amount in fen (1 yuan = 100 fen) */
  refunded_total?: number
  has_refund?: boolean
}

/** null: the environment's default (the ``defaults`` of GET /admin/settings). */
export interface OrderRules {
  /** Unpaid orders are cancelled after this (5-1440 minutes) */
  payment_timeout_minutes?: number | null
  /** A shipped order completes by itself after this many days */
  auto_complete_days?: number | null
  /** Unpaid orders one buyer may hold at once */
  max_open_unpaid?: number | null
  /** Units of one SKU per order, where the SKU sets no max_per_order */
  max_per_sku?: number | null
}

export interface OrderTimelineEvent {
  at: string
  kind: 'placed' | 'paid' | 'shipped' | 'refund_requested' | 'refund_approved' | 'refund_rejected' | 'refund_returned' | 'refund_succeeded' | 'refund_failed' | 'refund_closed' | 'completed' | 'cancelled' | 'closed' | 'late_payment' | 'remark' | 'tracking_changed'
  /** Who did it: buyer, system or the staff member's name */
  by?: string | null
  /** What happened, for the merchant (Chinese) */
  text: string
  /** The refund id or parcel id it concerns */
  ref?: string | null
}

export interface Parcel {
  /** A delivery_id from GET /admin/delivery-companies (e.g. SF) or its name (顺丰速运) */
  carrier?: string | null
  tracking_no?: string | null
  /** Units in this parcel; omit for every unit not yet shipped */
  lines?: ParcelLine[] | null
}

export interface ParcelLine {
  sku_id: string
  quantity: number
}

export interface PickupStore {
  id: string
  name: string
  address: string
  phone: string
  /** Opening hours, e.g. 10:00-21:00 */
  hours: string
  latitude?: number | null
  longitude?: number | null
}

export interface PickupStoreInput {
  /** The version this change replaces (0: a new store) */
  version: number
  name: string
  address: string
  phone: string
  /** e.g. 10:00-21:00 */
  hours: string
  latitude?: number | null
  longitude?: number | null
  /** Staff who may verify pickups here (owners and managers may anywhere) */
  verifiers?: string[]
  /** Offered at checkout; an inactive store still hands over its orders */
  active?: boolean
}

export interface PickupVerified {
  /** The order, now COMPLETED: hand over its lines */
  order: Order
  picked_up_at: string
  picked_up_by: string
  store_id: string
}

export interface PresignedPost {
  /** POST the form here (multipart/form-data) */
  url: string
  /** form fields to send, in this order, before the file field 'file' */
  fields: Record<string, string>
}

export interface ProductCreate {
  title: string
  subtitle?: string | null
  category_id: string
  images: string[]
  video?: AdminVideo | null
  detail?: AdminDetailBlock[]
  /** Spec axes, e.g. 颜色 × 尺码 (at most 3) */
  specs: AdminSpec[]
  /** The SKU matrix: every combination of the spec values exactly once */
  skus: AdminSkuInput[]
  tags?: string[]
  sort_weight?: number
  /** Leave out to have one generated */
  id?: string | null
  status?: 'on_sale' | 'off_shelf'
}

export interface ProductUpdate {
  title: string
  subtitle?: string | null
  category_id: string
  images: string[]
  video?: AdminVideo | null
  detail?: AdminDetailBlock[]
  /** Spec axes, e.g. 颜色 × 尺码 (at most 3) */
  specs: AdminSpec[]
  /** The SKU matrix: every combination of the spec values exactly once */
  skus: AdminSkuInput[]
  tags?: string[]
  sort_weight?: number
  /** The version read (GET); a stale version is 409 version_conflict */
  version: number
}

export interface QueueEntry {
  id: string
  status: 'REQUESTED' | 'AWAITING_RETURN' | 'PROCESSING' | 'SUCCEEDED' | 'ABNORMAL' | 'CLOSED' | 'REJECTED'
  /** Amount in fen (1 yuan = 100 fen) */
  amount: number
  reason: string
  lines: (Record<string, number | string>)[]
  /** Amount in fen (1 yuan = 100 fen) */
  freight: number
  requested_by: 'user' | 'merchant' | 'system'
  /** refund_only (仅退款) or return (退货退款: the money goes back once the merchant has received the goods, which go back on sale) */
  kind?: 'refund_only' | 'return'
  /** Whether the units go back on sale: before shipping at once, for a return when the merchant receives it, never for refund_only after shipping */
  restock?: boolean
  created_at: string
  merchant_note?: string | null
  /** When the merchant received the returned goods */
  returned_at?: string | null
  /** WeChat Pay's last refusal (e.g. NOT_ENOUGH: the merchant's balance is short); retried automatically while status is PROCESSING */
  failure?: string | null
  /** Submissions WeChat Pay refused so far */
  attempts?: number
  /** When the refund is submitted again */
  next_attempt_at?: string | null
  settled_at?: string | null
  order_id: string
  user_id: string
  decided_by?: string | null
  /** Hours since the buyer (or the merchant) asked */
  waiting_hours: number
}

export interface QueuePage {
  items: QueueEntry[]
  next_cursor: string | null
}

export interface ReconciliationList {
  days: DaySummary[]
}

export interface RefreshRequest {
  /** the refresh token; the browser console sends none and the HttpOnly cookie is used instead */
  refresh_token?: string | null
}

export interface RefundDecision {
  /** Shown to the buyer */
  note?: string | null
}

export interface RefundView {
  id: string
  status: 'REQUESTED' | 'AWAITING_RETURN' | 'PROCESSING' | 'SUCCEEDED' | 'ABNORMAL' | 'CLOSED' | 'REJECTED'
  /** Amount in fen (1 yuan = 100 fen) */
  amount: number
  reason: string
  lines: (Record<string, number | string>)[]
  /** Amount in fen (1 yuan = 100 fen) */
  freight: number
  requested_by: 'user' | 'merchant' | 'system'
  /** refund_only (仅退款) or return (退货退款: the money goes back once the merchant has received the goods, which go back on sale) */
  kind?: 'refund_only' | 'return'
  /** Whether the units go back on sale: before shipping at once, for a return when the merchant receives it, never for refund_only after shipping */
  restock?: boolean
  created_at: string
  merchant_note?: string | null
  /** When the merchant received the returned goods */
  returned_at?: string | null
  /** WeChat Pay's last refusal (e.g. NOT_ENOUGH: the merchant's balance is short); retried automatically while status is PROCESSING */
  failure?: string | null
  /** Submissions WeChat Pay refused so far */
  attempts?: number
  /** When the refund is submitted again */
  next_attempt_at?: string | null
  settled_at?: string | null
}

export interface RegionRule {
  /** Grams (weight) or units (count) the first fee covers */
  first: number
  /** 首重 / 首件 fee */
  first_fee: number
  /** Grams or units each further fee covers */
  step: number
  /** 续重 / 续件 fee per step or part of one */
  step_fee: number
  /** Provinces this rule prices */
  regions: string[]
}

export interface Report {
  /** Beijing day, YYYY-MM-DD */
  day: string
  /** pending: not run yet, or WeChat Pay has not published the bill */
  status: 'clean' | 'differences' | 'error' | 'pending'
  /** how many times the day was reconciled */
  version?: number
  run_at?: string | null
  run_by?: string | null
  differences_count?: number
  error_code?: string | null
  error_message?: string | null
  totals?: Totals | null
  /** at most 1000 (differences_count is exact) */
  differences?: Difference[]
  bill_sha1?: string | null
}

export interface RewardTier {
  id: string
  /** Qualified friends needed */
  friends: number
  /** The coupon granted (a template with claimable=false) */
  template_id: string
  /** e.g. 邀请3位好友 得8折券 */
  title: string
}

export interface SettingsUpdate {
  /** The version this change replaces (from GET; 0 when never saved) */
  version: number
  profile: ShopProfile
  orders: OrderRules
}

/**
 * WeChat's trade_manage_order_settlement pushes: at shipment (estimated_settlement_at) and at
 * settlement (settled_at, confirm_receive_at).
 */
export interface Settlement {
  shipped_at?: string | null
  estimated_settlement_at?: string | null
  settled_at?: string | null
  confirm_receive_at?: string | null
  /** 1 auto, 2 manual (reported inverted by some developers: read the times) */
  confirm_receive_method?: number | null
  /** When the shop received the push */
  received_at?: string | null
}

/**
 * One parcel (carrier, tracking_no, lines) or several (parcels). Express parcels need a carrier and
 * a tracking number; same-city, virtual and pickup ship the whole order at once with neither.
 */
export interface ShipRequest {
  /** express (实体物流), same_city (同城配送), virtual (虚拟商品), pickup (用户自提); default: express, or pickup for a pickup order */
  logistics?: 'express' | 'same_city' | 'virtual' | 'pickup' | null
  /** e.g. SF or 顺丰速运 */
  carrier?: string | null
  tracking_no?: string | null
  lines?: ParcelLine[] | null
  parcels?: Parcel[] | null
}

export interface Shipment {
  carrier: string
  tracking_no: string
}

export interface ShipmentView {
  id: string
  logistics: 'express' | 'same_city' | 'virtual' | 'pickup'
  /** WeChat's delivery_id, e.g. SF */
  carrier?: string | null
  carrier_name?: string | null
  tracking_no?: string | null
  lines: (Record<string, number | string>)[]
  shipped_at: string
  shipped_by: string
  changed_at?: string | null
}

export interface ShippingIssue {
  order_id: string
  kind: 'upload_failed' | 'remind_shipping'
  at: string
  error_code?: number | null
  message?: string | null
  attempts?: number | null
}

export interface ShippingIssues {
  items: ShippingIssue[]
  /** Pass as cursor for the next page; null on the last */
  next_cursor?: string | null
}

/** WeChat's trade_manage_remind_shipping: the order has been unshipped for more than 48 hours. */
export interface ShippingReminder {
  at: string
  msg?: string | null
  pay_time?: string | null
}

/**
 * Reporting the shipments to WeChat (upload_shipping_info): pending (queued or being retried),
 * uploaded, failed (WeChat refused it or kept refusing: the merchant must look), not_required
 * (not paid through WeChat Pay).
 */
export interface ShippingUpload {
  state: 'pending' | 'uploaded' | 'failed' | 'not_required'
  attempts?: number
  last_error_code?: number | null
  /** In Chinese, for the merchant */
  last_error_message?: string | null
  next_attempt_at?: string | null
  uploaded_at?: string | null
  /** WeChat has the complete shipping (is_all_delivered) */
  finished?: boolean
  /** The one change WeChat allows after shipping is used */
  reship_used?: boolean
}

export interface ShopProfile {
  /** 店铺名称 */
  name?: string | null
  /** Logo (an https:// URL, e.g. an uploaded image's CDN URL) */
  logo_url?: string | null
  /** 客服电话, e.g. 400-800-8888 or 0755-86013388 */
  service_phone?: string | null
}

export interface ShopSettings {
  version: number
  profile: ShopProfile
  orders: OrderRules
  /** What applies now: the merchant's value, else the default */
  effective: EffectiveRules
  /** The environment's values, which apply where orders has null */
  defaults: EffectiveRules
  updated_at?: string | null
  updated_by?: string | null
}

export interface Side {
  payments: number
  /** Amount in fen (1 yuan = 100 fen) */
  payment_total: number
  refunds: number
  /** Amount in fen (1 yuan = 100 fen) */
  refund_total: number
  /** WeChat Pay's fees of the day (bill only) */
  fee_total?: number | null
}

export interface SignInRequest {
  /** the staff account's name */
  name: string
  /** the account's password */
  password: string
  /** the 6-digit code of the authenticator app (owner and finance always; others when they enrolled one) */
  totp?: string | null
}

export interface SignedIn {
  name: string
  role: string
  /** the role's name in Chinese (店主, 运营, 客服, 财务, 核销员) */
  role_label: string
  /** what this role may do (docs/staff.md); a console shows only these pages and buttons, the API still checks every request */
  permissions: string[]
  /** this sign-in (device); GET /admin/auth/sessions lists them */
  session_id: string
  /** for 'Authorization: Bearer'; keep it in memory only */
  access_token: string
  token_type?: string
  /** seconds the access token lives (STAFF_ACCESS_TTL_SECONDS) */
  expires_in: number
  /** for POST /admin/auth/refresh; single use: each refresh returns a new one (the browser also gets it as an HttpOnly cookie) */
  refresh_token: string
  /** the sign-in ends at the latest then (absolute lifetime) */
  refresh_expires_at: string
  /** whether this account signs in with a TOTP code */
  second_factor: boolean
}

export interface SignedOut {
  /** how many sign-ins were ended */
  signed_out: number
}

export interface Source {
  source: string
  label: string
  visits: number
  /** unique visitors who came this way that day (summed over a range) */
  visitors: number
}

/** One axis of a multi-SKU product, e.g. 颜色 with values 黑色 / 白色. */
export interface SpecDimension {
  name: string
  values: string[]
}

export interface StaffAcceptRequest {
  invite_code: string
  /** the sign-in name chosen (lower case letters, digits, - and _) */
  name: string
  password: string
}

export interface StaffAcceptWeChatRequest {
  invite_code: string
  name: string
  /** the code from wx.login() */
  code: string
}

export interface StaffAccepted {
  name: string
  role: string
  channel: string
  created_at: string
}

export interface StaffInvite {
  id: string
  role: string
  display_name?: string | null
  channel: string
  created_by: string
  created_at: string
  expires_at: string
  /** pending, accepted, withdrawn or expired */
  status: string
}

export interface StaffInviteCreated {
  id: string
  role: string
  display_name?: string | null
  channel: string
  created_by: string
  created_at: string
  expires_at: string
  /** pending, accepted, withdrawn or expired */
  status: string
  /** give it to the person invited; shown once (only its hash is stored) */
  invite_code: string
}

export interface StaffInviteRequest {
  /** the role the new member gets (docs/staff.md, Roles) */
  role: 'owner' | 'manager' | 'customer_service' | 'finance' | 'pickup_verifier'
  /** e.g. 小李 (客服) */
  display_name?: string | null
  /** console: the member sets a password (POST /admin/staff/accept); wechat: a pickup verifier binds their WeChat in the mini-program (POST /admin/staff/accept-wechat) */
  channel?: 'console' | 'wechat'
}

export interface StaffInvites {
  items: StaffInvite[]
}

export interface StaffMember {
  name: string
  role: string
  role_label: string
  display_name?: string | null
  /** active or disabled */
  status: string
  has_password: boolean
  /** a TOTP authenticator is enrolled */
  second_factor: boolean
  /** signs in from the mini-program (pickup verifiers) */
  wechat_bound: boolean
  /** locked after failed sign-ins (POST /admin/staff/{name}/unlock) */
  locked: boolean
  failed_attempts?: number
  last_sign_in_at?: string | null
  created_at?: string | null
  invited_by?: string | null
}

export interface StaffMemberPatch {
  role?: 'owner' | 'manager' | 'customer_service' | 'finance' | 'pickup_verifier' | null
  /** disabled: every token and sign-in of the member stops at once */
  status?: 'active' | 'disabled' | null
  display_name?: string | null
}

export interface StaffMembers {
  items: StaffMember[]
}

export interface StockChange {
  mode: 'set' | 'adjust'
  /** mode set: the sellable stock wanted */
  quantity?: number | null
  /** mode adjust: units added (+) or taken (-) */
  delta?: number | null
  /** Why (盘点, 到货, 损耗...) */
  reason: string
}

export interface StockResult {
  sku_id: string
  stock: number
  delta: number
  /** The ledger entry written; null when nothing changed */
  ledger_id: string | null
}

export interface SubscribeEvent {
  /** order_shipped, refund_result */
  event: string
  /** Chinese label, e.g. 订单发货通知 */
  label: string
  description: string
  values: EventValue[]
  /** A page for the card, e.g. pages/order/detail?id={order_id} */
  suggested_page: string | null
  /** The merchant's template, null until one is saved (then PUT with version 0) */
  config: SubscribeTemplate | null
}

export interface SubscribeEventList {
  items: SubscribeEvent[]
  /** The most sends one shopper can hold per template (accepts beyond it are not counted) */
  quota_cap: number
}

/** The merchant's template for one event. */
export interface SubscribeTemplate {
  event: string
  template_id: string
  /** The page the card opens ({order_id} filled in); null: the card opens no page */
  page?: string | null
  /** Keyword of the template -> the event's value that fills it, e.g. {"thing1": "product_title", "time2": "shipped_at"} */
  keywords: Record<string, string>
  enabled: boolean
  /** Send it back with PUT */
  version: number
  updated_at?: string | null
  updated_by?: string | null
}

/** PUT /admin/subscribe-templates/{event}: the whole configuration. */
export interface SubscribeTemplateUpdate {
  /** The template id from 微信公众平台 (订阅消息 -> 我的模板) */
  template_id: string
  /** A page of the mini-program with an optional query, e.g. pages/order/detail?id={order_id} ({order_id} is filled in when sent); null or absent: no page */
  page?: string | null
  /** Every keyword of the template (thing1, time2, ...) -> the event's value that fills it; the value must fit the keyword's type */
  keywords: Record<string, unknown>
  /** false: kept, but the mini-program does not ask for it and nothing is sent */
  enabled: boolean
  /** The version GET gave (0 when the event has no template yet) */
  version: number
}

export interface TopProduct {
  product_id: string
  /** as its latest paid order line named it; null if only viewed */
  title: string | null
  units: number
  /** paid for this product's lines, discounts off */
  amount: number
  /** counted by the hourly roll-up: as of product_traffic_as_of */
  views: number
  /** counted by the hourly roll-up: as of product_traffic_as_of */
  cart_adds: number
}

export interface Totals {
  shop: Side
  wechat: Side
}

export interface TotpConfirmRequest {
  /** a current code of the authenticator app */
  code: string
}

export interface TotpEnabled {
  second_factor?: boolean
  enrolled_at: string
}

export interface TotpSetup {
  /** for the authenticator app's QR code; shown once */
  otpauth_uri: string
  /** the same secret in base32, to type in by hand; shown once */
  secret: string
  /** confirm with a code before this time */
  expires_at: string
}

export interface TrackingChange {
  /** Keep the carrier if omitted */
  carrier?: string | null
  tracking_no: string
}

export interface Unlocked {
  name: string
  locked?: boolean
  failed_attempts?: number
}

export interface Upload {
  upload_id: string
  kind: 'image' | 'video'
  content_type: string
  max_bytes: number
  /** the object's key in the media bucket */
  key: string
  /** where the file is served once uploaded (the CDN) */
  url: string
  /** where the thumbnails will be served (width -> URL), once the thumbnails function made them; none for videos */
  thumbnail_urls: Record<string, string>
  post: PresignedPost
  /** the POST is refused after this time (UTC) */
  expires_at: string
}

export interface UploadRequest {
  kind: 'image' | 'video'
  /** image/jpeg, image/png, image/webp or video/mp4 */
  content_type: string
  /** bytes; images at most 5 MB, videos at most 50 MB */
  size: number
  /** the merchant's file name, for the record only */
  filename?: string | null
}

export interface VerifyRequest {
  /** The 12 digits (spaces or dashes between groups are fine) */
  code: string
  /** The store where the verifier stands */
  store_id: string
}

export interface VersionBody {
  /** If given, the change applies only to this version */
  version?: number | null
}

export interface Video {
  url: string
  cover_url?: string | null
  duration_seconds?: number | null
}

export interface WeChatSignInRequest {
  /** the code from wx.login() */
  code: string
}

export type OperationName = 'acceptStaffInvite' | 'acceptStaffInviteWechat' | 'addOrderRemark' | 'adminGetOrder' | 'adminGetProduct' | 'adminListCategories' | 'adminListProducts' | 'adminListSubscribeTemplates' | 'approveRefund' | 'blockUser' | 'changeStock' | 'changeTracking' | 'createCategory' | 'createCouponTemplate' | 'createOrderExport' | 'createProduct' | 'createRefund' | 'createStaffInvite' | 'createUpload' | 'deletePickupStore' | 'deleteProduct' | 'deliveryCompanies' | 'endSession' | 'exportProducts' | 'getCustomer' | 'getDashboard' | 'getFreight' | 'getGrowthConfig' | 'getOrderExport' | 'getReconciliation' | 'getSettings' | 'importProducts' | 'listAdminPickupStores' | 'listAudit' | 'listCouponTemplates' | 'listCustomers' | 'listOrdersAdmin' | 'listReconciliation' | 'listRefunds' | 'listStaff' | 'listStaffInvites' | 'mySessions' | 'orderCategories' | 'publishProduct' | 'putFreight' | 'putGrowthConfig' | 'putPickupStore' | 'putSettings' | 'putSubscribeTemplate' | 'receiveReturn' | 'refresh' | 'rejectRefund' | 'runReconciliation' | 'shipOrder' | 'shippingIssues' | 'signIn' | 'signOut' | 'signOutEverywhere' | 'stockLedger' | 'totpConfirm' | 'totpSetup' | 'unblockUser' | 'unlock' | 'unpublishProduct' | 'updateCategory' | 'updateCouponTemplate' | 'updateProduct' | 'updateStaff' | 'verifyPickup' | 'wechatSignIn' | 'withdrawStaffInvite'

/** The methods these operations use (the shop's has no PATCH, which wx.request cannot send). */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH'
export type QueryValue = string | number | boolean | null | undefined | (string | number)[]

/** What a generated function asks the transport to send. */
export interface ApiRequest {
  /** the operation's name, e.g. for logs */
  operation: OperationName
  method: HttpMethod
  /** the path with its parameters filled in and URL-encoded, to be appended to the API base URL */
  path: string
  /**
   * `Authorization: Bearer <token>`: required, optional (sent when the app has a token: the route
   * serves anonymous callers too) or none
   */
  auth: 'required' | 'optional' | 'none'
  /** how to read a successful answer: JSON, text (a CSV file) or bytes (an image) */
  responseType: 'json' | 'text' | 'arraybuffer'
  body?: unknown
  /** query parameters; undefined and null ones are left out */
  query?: { [name: string]: QueryValue }
  headers?: { [name: string]: string | null | undefined }
  options?: CallOptions
}

/** What a caller may add to any call, for the transport. */
export interface CallOptions {
  /** While a file answer (text, bytes) arrives: bytes so far and the total when known */
  onProgress?: (received: number, total: number | null) => void
}

/**
 * Sends a request; resolves with the parsed answer (null for 204, a string for text, an
 * ArrayBuffer for bytes) or rejects with an error carrying the API's ErrorCode.
 */
export type Transport = (request: ApiRequest) => Promise<unknown>

/** The error shape every failing route answers with. */
export interface ApiErrorBody {
  error: ErrorDetail
}

/** Every code the API can answer with, for checks at run time (e.g. `ERROR_CODES.has(code)`). */
export const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'account_blocked',
  'account_disabled',
  'account_locked',
  'account_not_locked',
  'address_book_full',
  'address_not_found',
  'address_required',
  'after_sales_closed',
  'bad_range',
  'bad_request',
  'bill_not_ready',
  'buyer_limit_reached',
  'cannot_change_self',
  'carrier_required',
  'cart_changed',
  'cart_full',
  'category_changed',
  'category_exists',
  'category_not_found',
  'configuration',
  'conflict',
  'coupon_below_threshold',
  'coupon_claim_closed',
  'coupon_expired',
  'coupon_limit_reached',
  'coupon_locked',
  'coupon_new_users_only',
  'coupon_not_found',
  'coupon_not_in_scope',
  'coupon_not_stackable',
  'coupon_not_yet_valid',
  'coupon_sold_out',
  'coupon_template_claimable',
  'coupon_unavailable',
  'coupon_used',
  'customer_not_found',
  'date_range_too_long',
  'day_not_over',
  'day_too_old',
  'exceeds_max_per_order',
  'export_not_found',
  'file_too_large',
  'forbidden',
  'idempotency_key_required',
  'idempotency_key_reused',
  'insufficient_stock',
  'internal_error',
  'invalid_category_order',
  'invalid_claim_window',
  'invalid_code',
  'invalid_credentials',
  'invalid_csv',
  'invalid_cursor',
  'invalid_date',
  'invalid_date_range',
  'invalid_day',
  'invalid_idempotency_key',
  'invalid_keyword_mapping',
  'invalid_parcels',
  'invalid_range',
  'invalid_refresh_token',
  'invalid_request',
  'invalid_sku_id',
  'invalid_subscribe_page',
  'invalid_target_filter',
  'invalid_token',
  'invalid_totp_code',
  'invite_expired',
  'invite_not_found',
  'invite_not_pending',
  'invite_used',
  'invite_withdrawn',
  'line_not_in_order',
  'malformed_json',
  'merchant_not_found',
  'method_not_allowed',
  'name_taken',
  'not_a_sign_in',
  'not_an_active_owner',
  'not_express',
  'not_found',
  'not_pickup_order',
  'not_staff',
  'not_store_verifier',
  'nothing_to_change',
  'nothing_to_pick_up',
  'nothing_to_refund',
  'nothing_to_ship',
  'off_shelf',
  'open_orders_limit',
  'order_already_paid',
  'order_changed',
  'order_not_cancellable',
  'order_not_changeable',
  'order_not_confirmable',
  'order_not_found',
  'order_not_payable',
  'order_not_pickable',
  'order_not_shippable',
  'order_too_large',
  'out_of_stock',
  'owner_exists',
  'payload_too_large',
  'permission_denied',
  'pickup_attempts_exceeded',
  'pickup_code_not_found',
  'pickup_code_unavailable',
  'pickup_code_used',
  'pickup_not_ready',
  'pickup_store_not_found',
  'pickup_store_required',
  'prepay_refused',
  'product_exists',
  'product_not_found',
  'product_save_too_large',
  'push_not_json',
  'push_rejected',
  'quantity_exceeds_unshipped',
  'range_too_long',
  'rate_limited',
  'reconciliation_changed',
  'refresh_token_reused',
  'refund_exceeds_order',
  'refund_in_progress',
  'refund_not_allowed',
  'refund_not_awaiting_return',
  'refund_not_found',
  'refund_not_pending',
  'reship_used',
  'route_not_found',
  'same_coupon_twice',
  'second_factor_already_enabled',
  'second_factor_required',
  'second_factor_setup_required',
  'service_unavailable',
  'session_expired',
  'session_not_found',
  'shipment_not_found',
  'sku_code_taken',
  'sku_not_found',
  'split_only_express',
  'staff_changed',
  'staff_not_found',
  'stale_version',
  'stock_busy',
  'subscribe_event_not_found',
  'template_exists',
  'token_expired',
  'token_revoked',
  'too_many_attempts',
  'too_many_categories',
  'too_many_coupons',
  'too_many_events',
  'too_many_parcels',
  'too_many_requests',
  'too_many_stores',
  'total_below_issued',
  'unauthorized',
  'unknown_carrier',
  'unknown_coupon_template',
  'unknown_line',
  'unknown_scope_ids',
  'unreachable_region',
  'unsupported_media_type',
  'upload_conflict',
  'upstream_error',
  'user_blocked',
  'user_not_found',
  'version_conflict',
  'weak_password',
  'wechat_already_bound',
  'wechat_busy',
  'wechat_error',
  'wechat_invite_for_verifiers_only',
  'wechat_unavailable',
  'wechatpay_error',
  'wechatpay_unavailable',
  'wechatpay_unverified',
  'wrong_invite_channel',
  'wrong_store',
])

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && ERROR_CODES.has(code)
}

export function createClient(transport: Transport) {
  return {
    /**
     * Accept a staff invitation (password) (POST /admin/staff/accept)
     *
     * Creates the staff account with the invitation's role and the password (at least 10 characters). The code works once: 409 invite_used, invite_withdrawn, invite_expired; 404 invite_not_found; 409 name_taken. Then sign in (POST /admin/auth/sign-in).
     */
    acceptStaffInvite: (body: StaffAcceptRequest, options?: CallOptions): Promise<StaffAccepted> =>
      transport({ operation: 'acceptStaffInvite', method: 'POST', path: '/admin/staff/accept', auth: 'none', responseType: 'json', body, options }) as Promise<StaffAccepted>,
    /**
     * Accept a staff invitation (WeChat, pickup verifiers) (POST /admin/staff/accept-wechat)
     *
     * Creates the account and binds the caller's WeChat identity (code2session) to it in one transaction; afterwards the verifier signs in with wx.login() (POST /admin/auth/wechat). 409 wechat_already_bound when this WeChat belongs to another staff account.
     */
    acceptStaffInviteWechat: (body: StaffAcceptWeChatRequest, options?: CallOptions): Promise<StaffAccepted> =>
      transport({ operation: 'acceptStaffInviteWechat', method: 'POST', path: '/admin/staff/accept-wechat', auth: 'none', responseType: 'json', body, options }) as Promise<StaffAccepted>,
    /** Add a merchant remark to an order (POST /admin/orders/{id}/remarks) */
    addOrderRemark: (id: string, body: OrderRemarkRequest, options?: CallOptions): Promise<OrderRemarks> =>
      transport({ operation: 'addOrderRemark', method: 'POST', path: `/admin/orders/${encodeURIComponent(id)}/remarks`, auth: 'required', responseType: 'json', body, options }) as Promise<OrderRemarks>,
    /** An order with its timeline (order desk) (GET /admin/orders/{id}) */
    adminGetOrder: (id: string, options?: CallOptions): Promise<OrderDetail> =>
      transport({ operation: 'adminGetOrder', method: 'GET', path: `/admin/orders/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', options }) as Promise<OrderDetail>,
    /** Get a product (any state) (GET /admin/products/{id}) */
    adminGetProduct: (id: string, options?: CallOptions): Promise<AdminProduct> =>
      transport({ operation: 'adminGetProduct', method: 'GET', path: `/admin/products/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', options }) as Promise<AdminProduct>,
    /** List categories (hidden included) (GET /admin/categories) */
    adminListCategories: (options?: CallOptions): Promise<AdminCategoryList> =>
      transport({ operation: 'adminListCategories', method: 'GET', path: '/admin/categories', auth: 'required', responseType: 'json', options }) as Promise<AdminCategoryList>,
    /** List products (all states) (GET /admin/products) */
    adminListProducts: (query?: {
      /** Only this state */
      status?: 'on_sale' | 'off_shelf' | 'deleted' | null
      category?: string | null
      /** Words of the title, id or a SKU code */
      q?: string | null
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<AdminProductPage> =>
      transport({ operation: 'adminListProducts', method: 'GET', path: '/admin/products', auth: 'required', responseType: 'json', query, options }) as Promise<AdminProductPage>,
    /**
     * Subscribe-message templates (GET /admin/subscribe-templates)
     *
     * Each event (order_shipped, refund_result) with its Chinese label, the values a template's keywords can map to (name, label, example, the keyword types each fits) and the merchant's template (config; null until saved: PUT with version 0). quota_cap: the sends one shopper can hold per template.
     */
    adminListSubscribeTemplates: (options?: CallOptions): Promise<SubscribeEventList> =>
      transport({ operation: 'adminListSubscribeTemplates', method: 'GET', path: '/admin/subscribe-templates', auth: 'required', responseType: 'json', options }) as Promise<SubscribeEventList>,
    /** Approve a refund (POST /admin/refunds/{refund_id}/approve) */
    approveRefund: (refundId: string, body: RefundDecision, options?: CallOptions): Promise<RefundView> =>
      transport({ operation: 'approveRefund', method: 'POST', path: `/admin/refunds/${encodeURIComponent(refundId)}/approve`, auth: 'required', responseType: 'json', body, options }) as Promise<RefundView>,
    /**
     * Block a shopper (POST /admin/users/{user_id}/block)
     *
     * The account keeps its orders and can still read them; placing, paying, cancelling or confirming orders, refunds, the cart, addresses, coupons and shares answer 403 account_blocked until it is unblocked. Blocking a blocked account keeps the first time and updates the reason.
     */
    blockUser: (userId: string, body: BlockRequest, options?: CallOptions): Promise<AccountStatus> =>
      transport({ operation: 'blockUser', method: 'POST', path: `/admin/users/${encodeURIComponent(userId)}/block`, auth: 'required', responseType: 'json', body, options }) as Promise<AccountStatus>,
    /** Set or adjust stock (POST /admin/skus/{sku_id}/stock) */
    changeStock: (skuId: string, body: StockChange, options?: CallOptions): Promise<StockResult> =>
      transport({ operation: 'changeStock', method: 'POST', path: `/admin/skus/${encodeURIComponent(skuId)}/stock`, auth: 'required', responseType: 'json', body, options }) as Promise<StockResult>,
    /** Change a parcel's tracking number (PATCH /admin/orders/{id}/shipments/{shipment_id}) */
    changeTracking: (id: string, shipmentId: string, body: TrackingChange, options?: CallOptions): Promise<Order> =>
      transport({ operation: 'changeTracking', method: 'PATCH', path: `/admin/orders/${encodeURIComponent(id)}/shipments/${encodeURIComponent(shipmentId)}`, auth: 'required', responseType: 'json', body, options }) as Promise<Order>,
    /** Create a category (POST /admin/categories) */
    createCategory: (body: CategoryCreate, options?: CallOptions): Promise<AdminCategory> =>
      transport({ operation: 'createCategory', method: 'POST', path: '/admin/categories', auth: 'required', responseType: 'json', body, options }) as Promise<AdminCategory>,
    /**
     * Create a coupon (POST /admin/coupons)
     *
     * 满减 (kind=amount, threshold), 折扣 (kind=percent, max_discount), 无门槛 (threshold 0); scope all / categories / products; a fixed validity window or valid_days after claiming; total, per-user limit, new customers only, stackable or exclusive.
     */
    createCouponTemplate: (body: CouponTemplateInput, options?: CallOptions): Promise<CouponTemplate> =>
      transport({ operation: 'createCouponTemplate', method: 'POST', path: '/admin/coupons', auth: 'required', responseType: 'json', body, options }) as Promise<CouponTemplate>,
    /** Export orders of a date range as CSV (POST /admin/orders/exports) */
    createOrderExport: (body: OrderExportRequest, options?: CallOptions): Promise<OrderExportView> =>
      transport({ operation: 'createOrderExport', method: 'POST', path: '/admin/orders/exports', auth: 'required', responseType: 'json', body, options }) as Promise<OrderExportView>,
    /** Create a product (POST /admin/products) */
    createProduct: (body: ProductCreate, options?: CallOptions): Promise<AdminProduct> =>
      transport({ operation: 'createProduct', method: 'POST', path: '/admin/products', auth: 'required', responseType: 'json', body, options }) as Promise<AdminProduct>,
    /**
     * Refund part of an order (POST /admin/orders/{id}/refunds)
     *
     * lines: units per SKU (omit for everything still refundable). Created approved and sent to WeChat Pay at once; each unit's share of its line is the same rule as a buyer's request, so partial refunds add up to what was paid and nothing is refunded twice (409 refund_exceeds_order).
     */
    createRefund: (id: string, body: MerchantRefundRequest, options?: CallOptions): Promise<RefundView> =>
      transport({ operation: 'createRefund', method: 'POST', path: `/admin/orders/${encodeURIComponent(id)}/refunds`, auth: 'required', responseType: 'json', body, options }) as Promise<RefundView>,
    /**
     * StaffInvite a staff member (POST /admin/staff/invites)
     *
     * A one-time invite code for a role, valid 72 hours (STAFF_INVITE_TTL_SECONDS), shown once. channel console: accepted with a password (POST /admin/staff/accept); channel wechat (pickup verifiers): accepted in the mini-program (POST /admin/staff/accept-wechat). Audited.
     */
    createStaffInvite: (body: StaffInviteRequest, options?: CallOptions): Promise<StaffInviteCreated> =>
      transport({ operation: 'createStaffInvite', method: 'POST', path: '/admin/staff/invites', auth: 'required', responseType: 'json', body, options }) as Promise<StaffInviteCreated>,
    /** Upload a product image or video (presigned S3 POST) (POST /admin/uploads) */
    createUpload: (body: UploadRequest, options?: CallOptions): Promise<Upload> =>
      transport({ operation: 'createUpload', method: 'POST', path: '/admin/uploads', auth: 'required', responseType: 'json', body, options }) as Promise<Upload>,
    /**
     * Remove a pickup store (DELETE /admin/pickup-stores/{id})
     *
     * Orders placed there keep their copy; owners and managers can still verify them. version (optional): the one GET gave, 409 stale_version if it moved on. Audited.
     */
    deletePickupStore: (id: string, query?: {
      version?: number | null
    }, options?: CallOptions): Promise<null> =>
      transport({ operation: 'deletePickupStore', method: 'DELETE', path: `/admin/pickup-stores/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', query, options }) as Promise<null>,
    /** Delete a product (soft, final) (DELETE /admin/products/{id}) */
    deleteProduct: (id: string, query?: {
      /** If given, only this version is deleted */
      version?: number | null
    }, options?: CallOptions): Promise<AdminProduct> =>
      transport({ operation: 'deleteProduct', method: 'DELETE', path: `/admin/products/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', query, options }) as Promise<AdminProduct>,
    /** Carriers WeChat knows (delivery_id and name) (GET /admin/delivery-companies) */
    deliveryCompanies: (options?: CallOptions): Promise<CarrierList> =>
      transport({ operation: 'deliveryCompanies', method: 'GET', path: '/admin/delivery-companies', auth: 'required', responseType: 'json', options }) as Promise<CarrierList>,
    /** Sign out one of my devices (DELETE /admin/auth/sessions/{sid}) */
    endSession: (sid: string, options?: CallOptions): Promise<SignedOut> =>
      transport({ operation: 'endSession', method: 'DELETE', path: `/admin/auth/sessions/${encodeURIComponent(sid)}`, auth: 'required', responseType: 'json', options }) as Promise<SignedOut>,
    /**
     * Export products and stock (CSV) (GET /admin/products/export)
     *
     * One row per SKU with its product's columns; amounts in yuan with two decimals; the format POST /admin/products/import takes back (docs/catalog.md).
     */
    exportProducts: (options?: CallOptions): Promise<string> =>
      transport({ operation: 'exportProducts', method: 'GET', path: '/admin/products/export', auth: 'required', responseType: 'text', options }) as Promise<string>,
    /**
     * A customer (GET /admin/customers/{user_id})
     *
     * Phones and addresses are masked (138****8000) unless the role has customers.contact (contact_visible says which).
     */
    getCustomer: (userId: string, options?: CallOptions): Promise<CustomerDetail> =>
      transport({ operation: 'getCustomer', method: 'GET', path: `/admin/customers/${encodeURIComponent(userId)}`, auth: 'required', responseType: 'json', options }) as Promise<CustomerDetail>,
    /**
     * The data dashboard (GET /admin/dashboard)
     *
     * With `day` (or nothing: today, Beijing time): that day's totals, its 24 hours, traffic sources and top products (DashboardDay). With `from` and `to` (inclusive Beijing days, at most 366): the range's totals, each day and the sources (DashboardRange). 400 invalid_date, bad_range (to before from), range_too_long, invalid_request (day together with from/to, or only one of from/to). Metric definitions: docs/analytics.md.
     */
    getDashboard: (query?: {
      /** a Beijing day, YYYY-MM-DD; default today */
      day?: string | null
      /** first day of a range */
      from?: string | null
      /** last day of a range (inclusive) */
      to?: string | null
    }, options?: CallOptions): Promise<DashboardDay | DashboardRange> =>
      transport({ operation: 'getDashboard', method: 'GET', path: '/admin/dashboard', auth: 'required', responseType: 'json', query, options }) as Promise<DashboardDay | DashboardRange>,
    /** Freight template (GET /admin/settings/freight) */
    getFreight: (options?: CallOptions): Promise<FreightSettings> =>
      transport({ operation: 'getFreight', method: 'GET', path: '/admin/settings/freight', auth: 'required', responseType: 'json', options }) as Promise<FreightSettings>,
    /** Growth settings (GET /admin/growth) */
    getGrowthConfig: (options?: CallOptions): Promise<GrowthConfig> =>
      transport({ operation: 'getGrowthConfig', method: 'GET', path: '/admin/growth', auth: 'required', responseType: 'json', options }) as Promise<GrowthConfig>,
    /** An order export's state and download link (GET /admin/orders/exports/{id}) */
    getOrderExport: (id: string, options?: CallOptions): Promise<OrderExportView> =>
      transport({ operation: 'getOrderExport', method: 'GET', path: `/admin/orders/exports/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', options }) as Promise<OrderExportView>,
    /** A day's reconciliation report (GET /admin/reconciliation/{day}) */
    getReconciliation: (day: string, options?: CallOptions): Promise<Report> =>
      transport({ operation: 'getReconciliation', method: 'GET', path: `/admin/reconciliation/${encodeURIComponent(day)}`, auth: 'required', responseType: 'json', options }) as Promise<Report>,
    /**
     * Shop settings (GET /admin/settings)
     *
     * profile (name, logo, service phone) and orders (unpaid timeout, auto-complete days, buyer limits; null = the environment's default, shown in defaults). effective: what applies now. Send version back with PUT.
     */
    getSettings: (options?: CallOptions): Promise<ShopSettings> =>
      transport({ operation: 'getSettings', method: 'GET', path: '/admin/settings', auth: 'required', responseType: 'json', options }) as Promise<ShopSettings>,
    /**
     * Import products (CSV) (POST /admin/products/import)
     *
     * Body: the CSV (Content-Type text/csv, at most 2 MB). 200 with the report even when rows failed: `failed` lists line, column and why; the other products were imported.
     */
    importProducts: (options?: CallOptions): Promise<ImportReport> =>
      transport({ operation: 'importProducts', method: 'POST', path: '/admin/products/import', auth: 'required', responseType: 'json', options }) as Promise<ImportReport>,
    /**
     * Pickup stores (back office) (GET /admin/pickup-stores)
     *
     * Active and inactive stores, with the staff who may verify pickups at each.
     */
    listAdminPickupStores: (options?: CallOptions): Promise<AdminPickupStoreList> =>
      transport({ operation: 'listAdminPickupStores', method: 'GET', path: '/admin/pickup-stores', auth: 'required', responseType: 'json', options }) as Promise<AdminPickupStoreList>,
    /**
     * The audit log (GET /admin/audit)
     *
     * Who changed what, when, from what to what. Days are Beijing dates (default the last 7, at most 31). action is exact (catalog.product.update) or a prefix ending in a dot (catalog.).
     */
    listAudit: (query?: {
      /** first day (Beijing) */
      from?: string | null
      /** last day (Beijing), included */
      to?: string | null
      actor?: string | null
      target_type?: string | null
      target_id?: string | null
      action?: string | null
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<AuditPage> =>
      transport({ operation: 'listAudit', method: 'GET', path: '/admin/audit', auth: 'required', responseType: 'json', query, options }) as Promise<AuditPage>,
    /** Coupon templates (GET /admin/coupons) */
    listCouponTemplates: (options?: CallOptions): Promise<CouponTemplateList> =>
      transport({ operation: 'listCouponTemplates', method: 'GET', path: '/admin/coupons', auth: 'required', responseType: 'json', options }) as Promise<CouponTemplateList>,
    /**
     * Customers (GET /admin/customers)
     *
     * q: a user id (u_...), four digits (the last four of a phone in the buyer's address book), or part of a nickname. Without q: everyone, newest first. A nickname search reads a bounded stretch of customers per page: a short page with next_cursor means keep going.
     */
    listCustomers: (query?: {
      q?: string | null
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<CustomerPage> =>
      transport({ operation: 'listCustomers', method: 'GET', path: '/admin/customers', auth: 'required', responseType: 'json', query, options }) as Promise<CustomerPage>,
    /** List orders (order desk) (GET /admin/orders) */
    listOrdersAdmin: (query?: {
      status?: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CANCELLED' | 'CLOSED' | 'PAYMENT_EXCEPTION' | null
      /** Placed on or after (Beijing date) */
      placed_from?: string | null
      /** Placed on or before (Beijing date) */
      placed_to?: string | null
      /** Paid on or after (Beijing date) */
      paid_from?: string | null
      /** Paid on or before (Beijing date) */
      paid_to?: string | null
      order_id?: string | null
      /** The buyer's user id */
      buyer?: string | null
      /** Last four digits of the delivery phone */
      phone?: string | null
      delivery?: 'express' | 'pickup' | null
      has_refund?: boolean | null
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<OrderDeskPage> =>
      transport({ operation: 'listOrdersAdmin', method: 'GET', path: '/admin/orders', auth: 'required', responseType: 'json', query, options }) as Promise<OrderDeskPage>,
    /** Recent days' reconciliation (GET /admin/reconciliation) */
    listReconciliation: (query?: {
      /** how many days back from yesterday (Beijing) */
      days?: number
    }, options?: CallOptions): Promise<ReconciliationList> =>
      transport({ operation: 'listReconciliation', method: 'GET', path: '/admin/reconciliation', auth: 'required', responseType: 'json', query, options }) as Promise<ReconciliationList>,
    /**
     * After-sales queue (GET /admin/refunds)
     *
     * Refunds in one status (default REQUESTED: waiting for a decision), oldest request first; older_than_hours keeps those waiting at least that long. waiting_hours is each one's age.
     */
    listRefunds: (query?: {
      status?: 'REQUESTED' | 'AWAITING_RETURN' | 'PROCESSING' | 'ABNORMAL' | 'SUCCEEDED' | 'REJECTED' | 'CLOSED'
      older_than_hours?: number | null
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<QueuePage> =>
      transport({ operation: 'listRefunds', method: 'GET', path: '/admin/refunds', auth: 'required', responseType: 'json', query, options }) as Promise<QueuePage>,
    /** Staff accounts (GET /admin/staff) */
    listStaff: (options?: CallOptions): Promise<StaffMembers> =>
      transport({ operation: 'listStaff', method: 'GET', path: '/admin/staff', auth: 'required', responseType: 'json', options }) as Promise<StaffMembers>,
    /** Pending staff invitations (GET /admin/staff/invites) */
    listStaffInvites: (options?: CallOptions): Promise<StaffInvites> =>
      transport({ operation: 'listStaffInvites', method: 'GET', path: '/admin/staff/invites', auth: 'required', responseType: 'json', options }) as Promise<StaffInvites>,
    /** My signed-in devices (GET /admin/auth/sessions) */
    mySessions: (options?: CallOptions): Promise<Devices> =>
      transport({ operation: 'mySessions', method: 'GET', path: '/admin/auth/sessions', auth: 'required', responseType: 'json', options }) as Promise<Devices>,
    /** Reorder the categories (PUT /admin/categories/order) */
    orderCategories: (body: CategoryOrder, options?: CallOptions): Promise<AdminCategoryList> =>
      transport({ operation: 'orderCategories', method: 'PUT', path: '/admin/categories/order', auth: 'required', responseType: 'json', body, options }) as Promise<AdminCategoryList>,
    /** Put a product on sale (上架) (POST /admin/products/{id}/publish) */
    publishProduct: (id: string, body: VersionBody, options?: CallOptions): Promise<AdminProduct> =>
      transport({ operation: 'publishProduct', method: 'POST', path: `/admin/products/${encodeURIComponent(id)}/publish`, auth: 'required', responseType: 'json', body, options }) as Promise<AdminProduct>,
    /**
     * Set the freight template (PUT /admin/settings/freight)
     *
     * mode flat (province_fees, default_fee), weight (首重/续重 in grams, each SKU's weight_grams) or count (首件/续件): default_rule and region_rules; free_threshold (包邮) and unreachable provinces for all. version: the one GET gave (409 stale_version otherwise). Checkout and new orders use it at once. Audited.
     */
    putFreight: (body: FreightUpdate, options?: CallOptions): Promise<FreightSettings> =>
      transport({ operation: 'putFreight', method: 'PUT', path: '/admin/settings/freight', auth: 'required', responseType: 'json', body, options }) as Promise<FreightSettings>,
    /**
     * Set growth settings (PUT /admin/growth)
     *
     * gift_pack: coupon templates every new user gets once. qualify_on: when an invited friend counts (registration, first_paid_order, or first_completed_order - a new shop's default, hardest to game; a fully refunded order never counts and undoes the qualification it gave, revoking unused rewards). tiers: qualified friends -> a coupon, each granted once. Every field is required (400 without one: an empty list empties it). Every template must exist and have claimable=false (400 unknown_coupon_template / coupon_template_claimable). Applies to events from now on.
     */
    putGrowthConfig: (body: GrowthConfigUpdate, options?: CallOptions): Promise<GrowthConfig> =>
      transport({ operation: 'putGrowthConfig', method: 'PUT', path: '/admin/growth', auth: 'required', responseType: 'json', body, options }) as Promise<GrowthConfig>,
    /**
     * Save a pickup store (PUT /admin/pickup-stores/{id})
     *
     * version 0 creates the store (409 stale_version if it exists); otherwise the version GET gave. verifiers: staff names who may verify pickups here. active false: no longer offered at checkout. Audited.
     */
    putPickupStore: (id: string, body: PickupStoreInput, options?: CallOptions): Promise<AdminPickupStore> =>
      transport({ operation: 'putPickupStore', method: 'PUT', path: `/admin/pickup-stores/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', body, options }) as Promise<AdminPickupStore>,
    /**
     * Set shop settings (PUT /admin/settings)
     *
     * The whole document: profile and orders (null: the default). version: the one GET gave; 409 stale_version when someone saved in between. New orders use the rules at once; shipping within SHOP_SETTINGS_MAX_AGE seconds (60). Audited.
     */
    putSettings: (body: SettingsUpdate, options?: CallOptions): Promise<ShopSettings> =>
      transport({ operation: 'putSettings', method: 'PUT', path: '/admin/settings', auth: 'required', responseType: 'json', body, options }) as Promise<ShopSettings>,
    /**
     * Set a subscribe-message template (PUT /admin/subscribe-templates/{event})
     *
     * template_id from 微信公众平台; keywords: every keyword of the template -> one of the event's values (GET /admin/subscribe-templates lists them and the keyword types each fits: 400 invalid_keyword_mapping names each keyword that does not fit); page: the page the card opens, with {order_id} filled in (400 invalid_subscribe_page); enabled false keeps it but stops asking for it and sending it. version: the one GET gave (0 for an event without a template); 409 stale_version when someone saved in between. 404 subscribe_event_not_found. Audited.
     */
    putSubscribeTemplate: (event: string, body: SubscribeTemplateUpdate, options?: CallOptions): Promise<SubscribeTemplate> =>
      transport({ operation: 'putSubscribeTemplate', method: 'PUT', path: `/admin/subscribe-templates/${encodeURIComponent(event)}`, auth: 'required', responseType: 'json', body, options }) as Promise<SubscribeTemplate>,
    /**
     * Record a return as received (POST /admin/refunds/{refund_id}/receive)
     *
     * For a return (kind return) the merchant approved (AWAITING_RETURN): the returned units go back on sale and the refund is sent to WeChat Pay (PROCESSING), in that order. Receiving twice answers the refund as it is; 409 refund_not_awaiting_return for any other refund.
     */
    receiveReturn: (refundId: string, body: RefundDecision, options?: CallOptions): Promise<RefundView> =>
      transport({ operation: 'receiveReturn', method: 'POST', path: `/admin/refunds/${encodeURIComponent(refundId)}/receive`, auth: 'required', responseType: 'json', body, options }) as Promise<RefundView>,
    /**
     * Refresh a staff sign-in (rotates the refresh token) (POST /admin/auth/refresh)
     *
     * Send the refresh token in the body (mini-program) or let the browser send its cookie. The answer carries a new access token and a new refresh token; the old one is spent. Presenting a spent refresh token again ends the whole sign-in (its access tokens too): 401 refresh_token_reused. 401 session_expired after the idle timeout or the absolute lifetime, invalid_refresh_token otherwise. 204 (no body) when the request carries no refresh token at all - a browser that has not signed in: nothing to refresh, which is not an error.
     */
    refresh: (body?: RefreshRequest | null, options?: CallOptions): Promise<SignedIn | null> =>
      transport({ operation: 'refresh', method: 'POST', path: '/admin/auth/refresh', auth: 'none', responseType: 'json', body, options }) as Promise<SignedIn | null>,
    /** Reject a refund (POST /admin/refunds/{refund_id}/reject) */
    rejectRefund: (refundId: string, body: RefundDecision, options?: CallOptions): Promise<RefundView> =>
      transport({ operation: 'rejectRefund', method: 'POST', path: `/admin/refunds/${encodeURIComponent(refundId)}/reject`, auth: 'required', responseType: 'json', body, options }) as Promise<RefundView>,
    /** Re-run a day's reconciliation (POST /admin/reconciliation/{day}/run) */
    runReconciliation: (day: string, options?: CallOptions): Promise<Report> =>
      transport({ operation: 'runReconciliation', method: 'POST', path: `/admin/reconciliation/${encodeURIComponent(day)}/run`, auth: 'required', responseType: 'json', options }) as Promise<Report>,
    /**
     * Ship an order (one or several parcels) (POST /admin/orders/{id}/ship)
     *
     * Each call adds parcels; the order becomes SHIPPED once every unit not refunded is in a parcel. The carrier is a delivery_id from GET /admin/delivery-companies or its name. The shipping is reported to WeChat (upload_shipping_info) in the background: see shipping_upload on the order.
     */
    shipOrder: (id: string, body: ShipRequest, options?: CallOptions): Promise<Order> =>
      transport({ operation: 'shipOrder', method: 'POST', path: `/admin/orders/${encodeURIComponent(id)}/ship`, auth: 'required', responseType: 'json', body, options }) as Promise<Order>,
    /**
     * Failed shipping uploads and WeChat's reminders to ship (GET /admin/shipping/issues)
     *
     * Newest first; kind keeps one of the two, otherwise both are merged. Pages of limit, next_cursor until the last.
     */
    shippingIssues: (query?: {
      kind?: 'upload_failed' | 'remind_shipping' | null
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<ShippingIssues> =>
      transport({ operation: 'shippingIssues', method: 'GET', path: '/admin/shipping/issues', auth: 'required', responseType: 'json', query, options }) as Promise<ShippingIssues>,
    /**
     * Staff sign-in (password and second factor) (POST /admin/auth/sign-in)
     *
     * Answers a short-lived access token and a single-use refresh token (also set as an HttpOnly, SameSite=Strict cookie for /admin/auth). A wrong name or password is the same 401 invalid_credentials; 401 second_factor_required asks for the TOTP code; 401 second_factor_setup_required (owner, finance without a second factor) carries {otpauth_uri, secret} in details: sign in again with a code of it. After 5 failures 429 too_many_attempts (Retry-After, doubling), after 10 403 account_locked until an owner unlocks; too many attempts from one address: 429.
     */
    signIn: (body: SignInRequest, options?: CallOptions): Promise<SignedIn> =>
      transport({ operation: 'signIn', method: 'POST', path: '/admin/auth/sign-in', auth: 'none', responseType: 'json', body, options }) as Promise<SignedIn>,
    /**
     * Sign out this device (POST /admin/auth/sign-out)
     *
     * 400 not_a_sign_in for an operator-issued token (MerchantTokens), which belongs to no device.
     */
    signOut: (options?: CallOptions): Promise<SignedOut> =>
      transport({ operation: 'signOut', method: 'POST', path: '/admin/auth/sign-out', auth: 'required', responseType: 'json', options }) as Promise<SignedOut>,
    /** Sign out everywhere (POST /admin/auth/sign-out-everywhere) */
    signOutEverywhere: (options?: CallOptions): Promise<SignedOut> =>
      transport({ operation: 'signOutEverywhere', method: 'POST', path: '/admin/auth/sign-out-everywhere', auth: 'required', responseType: 'json', options }) as Promise<SignedOut>,
    /** A SKU's stock ledger (GET /admin/skus/{sku_id}/stock-ledger) */
    stockLedger: (skuId: string, query?: {
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<LedgerPage> =>
      transport({ operation: 'stockLedger', method: 'GET', path: `/admin/skus/${encodeURIComponent(skuId)}/stock-ledger`, auth: 'required', responseType: 'json', query, options }) as Promise<LedgerPage>,
    /**
     * Confirm the second factor (TOTP) (POST /admin/auth/totp/confirm)
     *
     * 400 invalid_totp_code when the code does not match the pending secret (or it expired).
     */
    totpConfirm: (body: TotpConfirmRequest, options?: CallOptions): Promise<TotpEnabled> =>
      transport({ operation: 'totpConfirm', method: 'POST', path: '/admin/auth/totp/confirm', auth: 'required', responseType: 'json', body, options }) as Promise<TotpEnabled>,
    /**
     * Start enrolling a second factor (TOTP) (POST /admin/auth/totp/setup)
     *
     * Answers the otpauth:// URI (for a QR code) and the secret, once; confirm with a code within 10 minutes. 409 second_factor_already_enabled.
     */
    totpSetup: (options?: CallOptions): Promise<TotpSetup> =>
      transport({ operation: 'totpSetup', method: 'POST', path: '/admin/auth/totp/setup', auth: 'required', responseType: 'json', options }) as Promise<TotpSetup>,
    /** Unblock a shopper (POST /admin/users/{user_id}/unblock) */
    unblockUser: (userId: string, options?: CallOptions): Promise<AccountStatus> =>
      transport({ operation: 'unblockUser', method: 'POST', path: `/admin/users/${encodeURIComponent(userId)}/unblock`, auth: 'required', responseType: 'json', options }) as Promise<AccountStatus>,
    /**
     * Unlock a staff account (POST /admin/staff/{name}/unlock)
     *
     * 404 staff_not_found; 409 account_not_locked when there is nothing to lift.
     */
    unlock: (name: string, options?: CallOptions): Promise<Unlocked> =>
      transport({ operation: 'unlock', method: 'POST', path: `/admin/staff/${encodeURIComponent(name)}/unlock`, auth: 'required', responseType: 'json', options }) as Promise<Unlocked>,
    /** Take a product off the shelf (下架) (POST /admin/products/{id}/unpublish) */
    unpublishProduct: (id: string, body: VersionBody, options?: CallOptions): Promise<AdminProduct> =>
      transport({ operation: 'unpublishProduct', method: 'POST', path: `/admin/products/${encodeURIComponent(id)}/unpublish`, auth: 'required', responseType: 'json', body, options }) as Promise<AdminProduct>,
    /** Change a category (PATCH /admin/categories/{id}) */
    updateCategory: (id: string, body: CategoryPatch, options?: CallOptions): Promise<AdminCategory> =>
      transport({ operation: 'updateCategory', method: 'PATCH', path: `/admin/categories/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', body, options }) as Promise<AdminCategory>,
    /**
     * Change a coupon's total or claim window (PATCH /admin/coupons/{id})
     *
     * Raise the total to extend a campaign (share rewards that found the coupon used up are then granted, moments later), lower it (never below `issued`: 409 total_below_issued), or move the claim window (claim_until = now stops a campaign; 409 invalid_claim_window if it would end before it starts). Coupons already held keep their rule and validity.
     */
    updateCouponTemplate: (id: string, body: CouponTemplateChange, options?: CallOptions): Promise<CouponTemplate> =>
      transport({ operation: 'updateCouponTemplate', method: 'PATCH', path: `/admin/coupons/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', body, options }) as Promise<CouponTemplate>,
    /**
     * Save a product (PUT /admin/products/{id})
     *
     * Send the whole product with the `version` you read; 409 version_conflict if it changed since. Stock of existing SKUs is not changed here (POST /admin/skus/{sku_id}/stock).
     */
    updateProduct: (id: string, body: ProductUpdate, options?: CallOptions): Promise<AdminProduct> =>
      transport({ operation: 'updateProduct', method: 'PUT', path: `/admin/products/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', body, options }) as Promise<AdminProduct>,
    /**
     * Change a staff account (PATCH /admin/staff/{name})
     *
     * role counts from the member's next call; status disabled stops every token and sign-in of the member at once. 409 cannot_change_self, staff_changed (changed meanwhile).
     */
    updateStaff: (name: string, body: StaffMemberPatch, options?: CallOptions): Promise<StaffMember> =>
      transport({ operation: 'updateStaff', method: 'PATCH', path: `/admin/staff/${encodeURIComponent(name)}`, auth: 'required', responseType: 'json', body, options }) as Promise<StaffMember>,
    /**
     * Verify a pickup code (POST /admin/pickup/verify)
     *
     * Once per code: the order PAID -> COMPLETED. 404 pickup_code_not_found, 409 wrong_store (both count against the verifier: 429 pickup_attempts_exceeded after 10 in 10 minutes), 403 not_store_verifier (owners and managers may verify anywhere), 409 pickup_code_used, order_not_pickable (cancelled, refunded), refund_in_progress, nothing_to_pick_up, order_changed. Audited.
     */
    verifyPickup: (body: VerifyRequest, options?: CallOptions): Promise<PickupVerified> =>
      transport({ operation: 'verifyPickup', method: 'POST', path: '/admin/pickup/verify', auth: 'required', responseType: 'json', body, options }) as Promise<PickupVerified>,
    /**
     * Staff sign-in from the mini-program (WeChat) (POST /admin/auth/wechat)
     *
     * For staff whose WeChat identity is bound to their account (pickup verifiers). Answers the same access and refresh tokens as the password sign-in, the refresh token in the body (no cookie jar in the mini-program). 401 not_staff when this WeChat user is bound to no staff account; owner and finance sign in with password and second factor instead (403 second_factor_required).
     */
    wechatSignIn: (body: WeChatSignInRequest, options?: CallOptions): Promise<SignedIn> =>
      transport({ operation: 'wechatSignIn', method: 'POST', path: '/admin/auth/wechat', auth: 'none', responseType: 'json', body, options }) as Promise<SignedIn>,
    /** Withdraw a staff invitation (DELETE /admin/staff/invites/{id}) */
    withdrawStaffInvite: (id: string, options?: CallOptions): Promise<StaffInvite> =>
      transport({ operation: 'withdrawStaffInvite', method: 'DELETE', path: `/admin/staff/invites/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', options }) as Promise<StaffInvite>,
  }
}

export type Client = ReturnType<typeof createClient>
