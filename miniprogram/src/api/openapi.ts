// Generated from docs/openapi.json by infra/tools/ts_client.py (make openapi): do not edit.
// The typed client of the shop front end (the shopper's routes): createClient(transport) gives one function per
// operation; the transport sends the request (and owns tokens, retries and error messages).
/* eslint-disable */

export interface AcceptRequest {
  /** The invite code from the share path; any text that is not a known code answers bound=false, reason unknown_code */
  inviter: string
}

export interface AcceptResult {
  bound: boolean
  /** not_a_new_user, already_bound, self_invite, unknown_code */
  reason?: string | null
}

export interface Address {
  name: string
  phone: string
  province: string
  city: string
  district: string
  detail: string
  postal_code?: string | null
  id: string
  tag?: string | null
  is_default: boolean
  created_at: string
  updated_at: string
}

export interface AddressInput {
  /** Recipient (收货人) */
  name: string
  /** Mobile (13800138000) or landline (0755-12345678) */
  phone: string
  /** Full name, e.g. 广东省 / 北京市 */
  province: string
  /** e.g. 深圳市 (for 北京市 etc. the same name) */
  city: string
  /** e.g. 南山区; empty where a city has none */
  district?: string
  /** Street, building, room */
  detail: string
  postal_code?: string | null
  /** e.g. 家 / 公司 */
  tag?: string | null
  /** Make this the default address */
  is_default?: boolean
}

export interface AddressList {
  items: Address[]
  default_id: string | null
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

export interface Cart {
  items: CartLine[]
  total_quantity: number
  /** Today's price of the available lines */
  available_total: number
}

export interface CartItemRequest {
  quantity: number
}

export interface CartLine {
  sku_id: string
  product_id: string | null
  title: string | null
  specs?: Record<string, string>
  image_url?: string | null
  quantity: number
  /** Today's price */
  unit_price: number | null
  /** The price when it was put in the cart */
  added_price: number
  price_changed: boolean
  stock: number
  stock_state: 'in_stock' | 'low_stock' | 'out_of_stock'
  /** On sale with enough stock for the quantity */
  available: boolean
  /** sku_not_found, off_shelf, out_of_stock, insufficient_stock */
  problem?: string | null
  added_at: string
}

export interface Category {
  id: string
  name: string
  icon_url?: string | null
  /** Display order, ascending */
  sort: number
}

export interface CategoryList {
  items: Category[]
}

/**
 * The body of POST /orders/preview and POST /orders. There is no price anywhere in it: the
 * server prices every line from the catalog, and a body carrying other fields is refused.
 */
export interface CheckoutRequest {
  items: LineRequest[]
  delivery?: 'express' | 'pickup'
  /** For express delivery */
  address_id?: string | null
  /** For pickup (GET /pickup-stores) */
  pickup_store_id?: string | null
  /** Coupons to use (GET /me/coupons) */
  coupon_ids?: string[]
  /** Let the server pick the best allowed combination of the caller's coupons (when coupon_ids is empty) */
  best_coupons?: boolean
  /** Buyer's note to the merchant */
  remark?: string | null
}

export interface ClaimableCoupon {
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
  /** How many times the caller has claimed it (0 when not logged in) */
  claimed: number
  can_claim: boolean
  /** sold_out, limit_reached, new_users_only, claim_closed */
  reason?: string | null
}

export interface ClientEvent {
  type: 'visit' | 'page_view' | 'product_view' | 'add_to_cart' | 'checkout_started' | 'share'
  /** when it happened, epoch milliseconds (the phone's clock) */
  at: number
  page?: string | null
  product_id?: string | null
  sku_id?: string | null
  quantity?: number | null
}

export interface CouponCenter {
  items: ClaimableCoupon[]
}

/**
 * One of the caller's coupons that can still be used (available, or locked by another order), as
 * it would apply to this checkout. Used and expired coupons are not listed.
 */
export interface CouponOption {
  id: string
  template_id: string
  name: string
  description: string
  /** What it alone takes off here */
  discount: number
  applicable: boolean
  /** Why it does not apply: coupon_below_threshold, coupon_not_in_scope, coupon_not_yet_valid, coupon_locked (held by another order) */
  reason?: string | null
  /** Applied in this quote */
  selected: boolean
}

export interface CouponScope {
  type?: 'all' | 'categories' | 'products'
  /** Category or product ids */
  ids?: string[]
}

export interface CreatedOrder {
  order: Order
  /** null if WeChat Pay could not be reached: retry POST /orders/{id}/pay */
  payment: PaymentParams | null
}

/** A block of the rich detail page (商品详情): text or an image, in order. */
export interface DetailBlock {
  type: 'text' | 'image'
  text?: string | null
  url?: string | null
  width?: number | null
  height?: number | null
}

export interface EarnedReward {
  tier_id: string
  coupon_id: string
  granted_at: string
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

export interface EventBatch {
  /** the client's id of this batch; a resend is counted once */
  batch_id: string
  /** the visitor id the mini-program keeps in storage */
  anonymous_id: string
  launch: Launch
  events: ClientEvent[]
}

export interface EventsAccepted {
  /** events taken from the batch */
  accepted: number
  /** false when the batch was a resend already taken, or the scene is never a shopper (crawler 1129, tests 1030, remote debug 1101, load test 1203) */
  counted: boolean
  /** the traffic source of the batch's launch scene */
  source: string
}

export interface Launch {
  /** WeChat's scene value of this opening */
  scene: number
  /** the page it opened */
  path?: string | null
  /** the opening's query (a share card's or a code's) */
  query?: Record<string, string>
}

export interface LineRequest {
  sku_id: string
  quantity: number
}

export interface LoginRequest {
  /** The code from wx.login(); single use, valid for 5 minutes */
  code: string
  /** The invite code the mini-program was opened with (share path ?inviter=, or the scene of a share QR code). Binds a new user to the friend who shared; ignored for returning users and when it is not a known code - whatever it holds, it never makes a login fail */
  inviter?: string | null
}

export interface LoginResponse {
  /** Send as 'Authorization: Bearer <token>' */
  token: string
  token_type?: 'Bearer'
  /** UTC expiry of the token */
  expires_at: string
  /** Seconds until the token expires */
  expires_in: number
  user_id: string
  /** True when this login created the account */
  is_new_user: boolean
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

export interface MyCouponList {
  items: MyCoupon[]
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

export interface OrderPage {
  items: Order[]
  next_cursor: string | null
}

export interface ParseRequest {
  /** Free text, e.g. 张三 13800138000 广东省深圳市南山区粤海街道科技园路1号 */
  text: string
}

/** What could be read from the text; a field that could not be found is null. */
export interface ParsedAddress {
  name: string | null
  phone: string | null
  province: string | null
  city: string | null
  district: string | null
  detail: string | null
  postal_code?: string | null
  /** Every field AddressInput needs was found */
  complete: boolean
}

/** Pass as-is to wx.requestPayment. */
export interface PaymentParams {
  timeStamp: string
  nonceStr: string
  package: string
  signType: 'RSA'
  paySign: string
}

export interface PickupCode {
  order_id: string
  /** 12 digits, for the verifier to scan or type */
  code: string
  /** The code in groups of four, to read out */
  display: string
  /** What the counter's QR code encodes (the code) */
  qr_payload: string
  status: 'issued' | 'used'
  /** Where to collect it */
  store?: PickupStore | null
  picked_up_at?: string | null
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

export interface PickupStoreList {
  items: PickupStore[]
}

/** Why something in a checkout cannot be had as asked. */
export interface Problem {
  /** out_of_stock, insufficient_stock, off_shelf, sku_not_found, exceeds_max_per_order, buyer_limit_reached, open_orders_limit (too many unpaid orders), address_required, address_not_found, unreachable_region, pickup_store_required, pickup_store_not_found; for a coupon named in coupon_ids: coupon_not_found, coupon_below_threshold, coupon_not_in_scope, coupon_not_yet_valid, coupon_locked, coupon_used, coupon_expired; for the combination: coupon_not_stackable, too_many_coupons, same_coupon_twice */
  code: string
  /** For the shopper, in Chinese, naming the product and its spec */
  message: string
  sku_id?: string | null
  coupon_id?: string | null
  /** Units still in stock, for stock problems; units the buyer may still buy, for buyer_limit_reached */
  available?: number | null
  /** The limit, for exceeds_max_per_order and buyer_limit_reached */
  limit?: number | null
}

export interface ProductDetail {
  id: string
  title: string
  subtitle?: string | null
  category_id: string
  cover_url: string
  /** Lowest SKU price */
  price_min: number
  /** Highest SKU price */
  price_max: number
  original_price?: number | null
  /** Units sold (display) */
  sales: number
  tags?: string[]
  created_at: string
  images: string[]
  video?: Video | null
  specs: SpecDimension[]
  skus: Sku[]
  detail: DetailBlock[]
  /** Best state over all SKUs */
  stock_state: 'in_stock' | 'low_stock' | 'out_of_stock'
}

export interface ProductPage {
  items: ProductSummary[]
  /** Pass as ?cursor= for the next page; null at the end. A page may hold fewer than `limit` items (e.g. while searching) and still have a next page. */
  next_cursor: string | null
}

export interface ProductSummary {
  id: string
  title: string
  subtitle?: string | null
  category_id: string
  cover_url: string
  /** Lowest SKU price */
  price_min: number
  /** Highest SKU price */
  price_max: number
  original_price?: number | null
  /** Units sold (display) */
  sales: number
  tags?: string[]
  created_at: string
}

/** The caller's own profile. Never carries openid, unionid or session_key. */
export interface Profile {
  id: string
  nickname: string
  avatar_url?: string | null
  created_at: string
  /** True when the merchant has blocked the account: state-changing requests answer 403 account_blocked (show a notice and the service contact) */
  blocked?: boolean
}

export interface PublicTemplate {
  event: string
  template_id: string
}

export interface PublicTemplateList {
  /** The enabled templates, one per event (two events may share a template id) */
  items: PublicTemplate[]
}

export interface Quote {
  lines: QuoteLine[]
  /** Sum of available lines */
  goods_total: number
  /** Amount in fen (1 yuan = 100 fen) */
  freight: number
  /** Amount in fen (1 yuan = 100 fen) */
  discount: number
  /** goods_total + freight - discount, never negative */
  payable: number
  delivery: 'express' | 'pickup'
  address?: AddressSnapshot | null
  pickup_store?: PickupStore | null
  /** The caller's coupons and how they apply */
  coupons?: CouponOption[]
  applied_coupon_ids?: string[]
  problems: Problem[]
  /** True when there are no problems: POST /orders would succeed */
  orderable: boolean
}

export interface QuoteLine {
  sku_id: string
  product_id: string | null
  title: string | null
  specs?: Record<string, string>
  image_url?: string | null
  unit_price: number | null
  quantity: number
  /** unit_price x quantity; 0 when the line is unavailable */
  amount: number
  /** This line's share of the coupons' discount */
  discount?: number
  stock_state?: 'in_stock' | 'low_stock' | 'out_of_stock' | null
  available: boolean
}

export interface RefundRequest {
  reason: string
  /** After shipping: refund_only (仅退款: keep the goods, nothing goes back on sale) or return (退货退款: send them back; the money follows when the merchant receives them). Before shipping a refund is always refund_only and the units go back on sale at once. */
  kind?: 'refund_only' | 'return'
  /** Units to refund; omit for everything still refundable */
  lines?: LineRequest[] | null
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

export interface ShareInfo {
  invite_code: string
  /** For wx.shareAppMessage / onShareAppMessage: path */
  share_path: string
  qualify_on: 'registration' | 'first_paid_order' | 'first_completed_order'
  /** Friends bound to the caller */
  invited: number
  /** Of them, those who count */
  qualified: number
  tiers: TierProgress[]
  rewards: EarnedReward[]
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

export interface Sku {
  id: string
  /** Spec name -> value, e.g. {'颜色': '黑色', '尺码': 'M'} */
  specs: Record<string, string>
  /** Amount in fen (1 yuan = 100 fen) */
  price: number
  /** Crossed-out price (划线价), if any */
  original_price?: number | null
  stock: number
  stock_state: 'in_stock' | 'low_stock' | 'out_of_stock'
  image_url?: string | null
}

/** One axis of a multi-SKU product, e.g. 颜色 with values 黑色 / 白色. */
export interface SpecDimension {
  name: string
  values: string[]
}

/** POST /me/subscriptions: what wx.requestSubscribeMessage answered, without its errMsg. */
export interface SubscriptionReport {
  /** template id -> accept, reject, ban or filter, as wx.requestSubscribeMessage's success answer has them (drop its errMsg) */
  results: Record<string, unknown>
}

export interface SubscriptionResult {
  /** For each accepted template the shop sends: the sends the caller now holds (at most quota_cap) */
  remaining: Record<string, number>
  /** Template ids of the report that are not an enabled template of the shop */
  ignored: string[]
}

export interface TierProgress {
  id: string
  title: string
  friends: number
  template_id: string
  reached: boolean
  /** Qualified friends still needed */
  remaining: number
  /** The reward coupon is in the caller's coupons */
  granted: boolean
  /** Reached, but the reward coupon had run out: it is granted when the merchant adds more */
  owed?: boolean
}

export interface Video {
  url: string
  cover_url?: string | null
  duration_seconds?: number | null
}

export type OperationName = 'acceptShare' | 'cancelOrder' | 'claimCoupon' | 'confirmOrder' | 'createAddress' | 'createOrder' | 'deleteAddress' | 'deleteCartItem' | 'getCart' | 'getOrder' | 'getPickupCode' | 'getProduct' | 'listAddresses' | 'listCategories' | 'listCoupons' | 'listOrders' | 'listPickupStores' | 'listProducts' | 'listSubscribeTemplates' | 'login' | 'me' | 'myCoupons' | 'myShare' | 'parseAddress' | 'payOrder' | 'previewOrder' | 'putCartItem' | 'reportSubscriptions' | 'requestRefund' | 'sendEvents' | 'shareQrcode' | 'syncOrder' | 'updateAddress'

/** The methods these operations use (the shop's has no PATCH, which wx.request cannot send). */
export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE'
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
     * Accept a friend's invitation (POST /share/accept)
     *
     * 200 with bound=true when the caller is now the inviter's friend. Otherwise bound=false and the reason: already_bound (one inviter, forever), not_a_new_user (signed up more than 30 minutes ago or has paid for an order), self_invite, unknown_code. None of these is an error: the page carries on.
     */
    acceptShare: (body: AcceptRequest, options?: CallOptions): Promise<AcceptResult> =>
      transport({ operation: 'acceptShare', method: 'POST', path: '/share/accept', auth: 'required', responseType: 'json', body, options }) as Promise<AcceptResult>,
    /** Cancel an unpaid order (POST /orders/{id}/cancel) */
    cancelOrder: (id: string, options?: CallOptions): Promise<Order> =>
      transport({ operation: 'cancelOrder', method: 'POST', path: `/orders/${encodeURIComponent(id)}/cancel`, auth: 'required', responseType: 'json', options }) as Promise<Order>,
    /**
     * Claim a coupon (POST /coupons/{id}/claim)
     *
     * 201 with the coupon now held. 404 coupon_not_found (no such template, or a gift/reward template that cannot be claimed); 409 coupon_sold_out / coupon_limit_reached / coupon_claim_closed; 403 coupon_new_users_only; 503 when the coupon is in such demand that the claim kept colliding with others: try again.
     */
    claimCoupon: (id: string, options?: CallOptions): Promise<MyCoupon> =>
      transport({ operation: 'claimCoupon', method: 'POST', path: `/coupons/${encodeURIComponent(id)}/claim`, auth: 'required', responseType: 'json', options }) as Promise<MyCoupon>,
    /** Confirm receipt (POST /orders/{id}/confirm) */
    confirmOrder: (id: string, options?: CallOptions): Promise<Order> =>
      transport({ operation: 'confirmOrder', method: 'POST', path: `/orders/${encodeURIComponent(id)}/confirm`, auth: 'required', responseType: 'json', options }) as Promise<Order>,
    /** Add an address (POST /addresses) */
    createAddress: (body: AddressInput, options?: CallOptions): Promise<Address> =>
      transport({ operation: 'createAddress', method: 'POST', path: '/addresses', auth: 'required', responseType: 'json', body, options }) as Promise<Address>,
    /**
     * Place an order (POST /orders)
     *
     * Prices every line on the server (the body carries no prices), reserves the stock of every line in one transaction, and returns the wx.requestPayment parameters. Send a new Idempotency-Key per order: a retry with the same key returns the same order and never makes a second one (400 idempotency_key_required without one; 409 idempotency_key_reused when the key came with a different body). 409 when the order cannot be placed as asked, with the code of the first problem the preview would show (out_of_stock naming the SKUs, address_required, coupon_locked, ...) or coupon_unavailable when another order took a coupon at the same moment; nothing is reserved then.
     */
    createOrder: (body: CheckoutRequest, headers?: {
      /** Required: a new random value per order, 8-64 of [A-Za-z0-9_-] (missing: 400 idempotency_key_required; malformed: 400 invalid_idempotency_key) */
      'Idempotency-Key'?: string | null
    }, options?: CallOptions): Promise<CreatedOrder> =>
      transport({ operation: 'createOrder', method: 'POST', path: '/orders', auth: 'required', responseType: 'json', body, headers, options }) as Promise<CreatedOrder>,
    /** Delete an address (DELETE /addresses/{id}) */
    deleteAddress: (id: string, options?: CallOptions): Promise<null> =>
      transport({ operation: 'deleteAddress', method: 'DELETE', path: `/addresses/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', options }) as Promise<null>,
    /** Remove an item from the cart (DELETE /cart/items/{sku_id}) */
    deleteCartItem: (skuId: string, options?: CallOptions): Promise<Cart> =>
      transport({ operation: 'deleteCartItem', method: 'DELETE', path: `/cart/items/${encodeURIComponent(skuId)}`, auth: 'required', responseType: 'json', options }) as Promise<Cart>,
    /** The cart (GET /cart) */
    getCart: (options?: CallOptions): Promise<Cart> =>
      transport({ operation: 'getCart', method: 'GET', path: '/cart', auth: 'required', responseType: 'json', options }) as Promise<Cart>,
    /**
     * An order (GET /orders/{id})
     *
     * Another buyer's order is a 404, exactly like an order that does not exist.
     */
    getOrder: (id: string, options?: CallOptions): Promise<Order> =>
      transport({ operation: 'getOrder', method: 'GET', path: `/orders/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', options }) as Promise<Order>,
    /**
     * Pickup code (GET /orders/{id}/pickup-code)
     *
     * For a paid pickup order: 12 digits and the QR payload for the counter (made on the first request, the same afterwards; status used once collected). 409 not_pickup_order, pickup_not_ready (unpaid, cancelled, refunded). Another buyer's order is a 404.
     */
    getPickupCode: (id: string, options?: CallOptions): Promise<PickupCode> =>
      transport({ operation: 'getPickupCode', method: 'GET', path: `/orders/${encodeURIComponent(id)}/pickup-code`, auth: 'required', responseType: 'json', options }) as Promise<PickupCode>,
    /** Product detail (GET /products/{id}) */
    getProduct: (id: string, options?: CallOptions): Promise<ProductDetail> =>
      transport({ operation: 'getProduct', method: 'GET', path: `/products/${encodeURIComponent(id)}`, auth: 'none', responseType: 'json', options }) as Promise<ProductDetail>,
    /** List addresses (GET /addresses) */
    listAddresses: (options?: CallOptions): Promise<AddressList> =>
      transport({ operation: 'listAddresses', method: 'GET', path: '/addresses', auth: 'required', responseType: 'json', options }) as Promise<AddressList>,
    /** List categories (GET /categories) */
    listCategories: (options?: CallOptions): Promise<CategoryList> =>
      transport({ operation: 'listCategories', method: 'GET', path: '/categories', auth: 'none', responseType: 'json', options }) as Promise<CategoryList>,
    /**
     * Claimable coupons (GET /coupons)
     *
     * Without a token: the coupons and what remains; with one: also how many the caller holds and whether they may claim more.
     */
    listCoupons: (options?: CallOptions): Promise<CouponCenter> =>
      transport({ operation: 'listCoupons', method: 'GET', path: '/coupons', auth: 'optional', responseType: 'json', options }) as Promise<CouponCenter>,
    /** List my orders (GET /orders) */
    listOrders: (query?: {
      status?: 'PENDING_PAYMENT' | 'PAID' | 'SHIPPED' | 'COMPLETED' | 'CANCELLED' | 'CLOSED' | 'PAYMENT_EXCEPTION' | null
      cursor?: string | null
      limit?: number
    }, options?: CallOptions): Promise<OrderPage> =>
      transport({ operation: 'listOrders', method: 'GET', path: '/orders', auth: 'required', responseType: 'json', query, options }) as Promise<OrderPage>,
    /** Pickup stores (GET /pickup-stores) */
    listPickupStores: (options?: CallOptions): Promise<PickupStoreList> =>
      transport({ operation: 'listPickupStores', method: 'GET', path: '/pickup-stores', auth: 'none', responseType: 'json', options }) as Promise<PickupStoreList>,
    /**
     * List products (GET /products)
     *
     * Cursor-paginated. Pass `next_cursor` back as `cursor` with the same category, q and sort; a cursor from another query is refused with 400 invalid_cursor.
     */
    listProducts: (query?: {
      /** Category id */
      category?: string | null
      /** Search words */
      q?: string | null
      /** Order of the list */
      sort?: 'default' | 'sales' | 'price_asc' | 'price_desc' | 'new'
      /** next_cursor of the previous page */
      cursor?: string | null
      /** Page size */
      limit?: number
    }, options?: CallOptions): Promise<ProductPage> =>
      transport({ operation: 'listProducts', method: 'GET', path: '/products', auth: 'none', responseType: 'json', query, options }) as Promise<ProductPage>,
    /**
     * Subscribe-message templates to ask for (GET /subscribe-templates)
     *
     * The enabled templates, by event (order_shipped: ask when the order is paid; refund_result: when a refund is requested). Pass the template ids to wx.requestSubscribeMessage (at most 3 per call on older base libraries, 5 on current ones) and report its answer to POST /me/subscriptions. Cached for a minute.
     */
    listSubscribeTemplates: (options?: CallOptions): Promise<PublicTemplateList> =>
      transport({ operation: 'listSubscribeTemplates', method: 'GET', path: '/subscribe-templates', auth: 'none', responseType: 'json', options }) as Promise<PublicTemplateList>,
    /**
     * Log in with a wx.login() code (POST /auth/login)
     *
     * Calls WeChat code2session, creates the user on first login and returns the shop's own session token. The WeChat session_key never leaves the server. A first login with `inviter` (the invite code the shop was opened with) binds the new user to that friend.
     */
    login: (body: LoginRequest, options?: CallOptions): Promise<LoginResponse> =>
      transport({ operation: 'login', method: 'POST', path: '/auth/login', auth: 'none', responseType: 'json', body, options }) as Promise<LoginResponse>,
    /** The caller's profile (GET /me) */
    me: (options?: CallOptions): Promise<Profile> =>
      transport({ operation: 'me', method: 'GET', path: '/me', auth: 'required', responseType: 'json', options }) as Promise<Profile>,
    /**
     * My coupons (GET /me/coupons)
     *
     * available includes coupons an unpaid order holds (status locked); they return to available if that order is cancelled.
     */
    myCoupons: (query?: {
      status?: 'available' | 'used' | 'expired' | null
    }, options?: CallOptions): Promise<MyCouponList> =>
      transport({ operation: 'myCoupons', method: 'GET', path: '/me/coupons', auth: 'required', responseType: 'json', query, options }) as Promise<MyCouponList>,
    /**
     * My invite code and share rewards (GET /me/share)
     *
     * Use share_path as the path of onShareAppMessage. Friends who open it and log in for the first time are bound to the caller; tiers show how many qualified friends each reward still needs, rewards the coupons already granted (they are also in GET /me/coupons).
     */
    myShare: (options?: CallOptions): Promise<ShareInfo> =>
      transport({ operation: 'myShare', method: 'GET', path: '/me/share', auth: 'required', responseType: 'json', options }) as Promise<ShareInfo>,
    /**
     * Read an address from pasted text (POST /addresses/parse)
     *
     * Splits free text such as '张三 13800138000 广东省深圳市南山区粤海街道科技园路1号' into the fields of an address (地址智能识别). A field that cannot be found is null; `complete` is true when name, phone, province, city and detail were all found. Province, city and district are full official names (广东省, 深圳市, 南山区); for 北京市 and the other municipalities the city is the province's name.
     */
    parseAddress: (body: ParseRequest, options?: CallOptions): Promise<ParsedAddress> =>
      transport({ operation: 'parseAddress', method: 'POST', path: '/addresses/parse', auth: 'required', responseType: 'json', body, options }) as Promise<ParsedAddress>,
    /** Pay again (POST /orders/{id}/pay) */
    payOrder: (id: string, options?: CallOptions): Promise<PaymentParams> =>
      transport({ operation: 'payOrder', method: 'POST', path: `/orders/${encodeURIComponent(id)}/pay`, auth: 'required', responseType: 'json', options }) as Promise<PaymentParams>,
    /**
     * Price a checkout (POST /orders/preview)
     *
     * Lines, goods total, freight, discounts and payable, all integers in fen, and a problem for anything that cannot be ordered as asked. Reads only.
     */
    previewOrder: (body: CheckoutRequest, options?: CallOptions): Promise<Quote> =>
      transport({ operation: 'previewOrder', method: 'POST', path: '/orders/preview', auth: 'required', responseType: 'json', body, options }) as Promise<Quote>,
    /** Put an item in the cart (PUT /cart/items/{sku_id}) */
    putCartItem: (skuId: string, body: CartItemRequest, options?: CallOptions): Promise<Cart> =>
      transport({ operation: 'putCartItem', method: 'PUT', path: `/cart/items/${encodeURIComponent(skuId)}`, auth: 'required', responseType: 'json', body, options }) as Promise<Cart>,
    /**
     * Report subscribe-message choices (POST /me/subscriptions)
     *
     * results: wx.requestSubscribeMessage's answer without errMsg, template id -> accept, reject, ban or filter (1-5). Each accept of an enabled template adds one send the shop may make to the caller (one-time subscriptions: one accept, one message), up to quota_cap (50) per template; reject, ban and filter change nothing. remaining: the sends now held per accepted template; ignored: ids the shop does not send (not configured or disabled).
     */
    reportSubscriptions: (body: SubscriptionReport, options?: CallOptions): Promise<SubscriptionResult> =>
      transport({ operation: 'reportSubscriptions', method: 'POST', path: '/me/subscriptions', auth: 'required', responseType: 'json', body, options }) as Promise<SubscriptionResult>,
    /**
     * Ask for a refund (POST /orders/{id}/refund)
     *
     * The merchant approves or rejects it; see docs/refunds.md for the policy.
     */
    requestRefund: (id: string, body: RefundRequest, options?: CallOptions): Promise<Order> =>
      transport({ operation: 'requestRefund', method: 'POST', path: `/orders/${encodeURIComponent(id)}/refund`, auth: 'required', responseType: 'json', body, options }) as Promise<Order>,
    /**
     * Send a batch of analytics events (POST /events)
     *
     * 202 with how many events were taken. Up to 50 events and 32 KB per batch (413 payload_too_large beyond); a batch sent again with the same batch_id is taken once (counted=false). A valid shopper token makes the visitor that user, otherwise the anonymous_id is the visitor; an expired token is not an error here. 429 too_many_events when one visitor sends more than 30 batches a minute (Retry-After). Openings from WeChat's crawler, tests, remote debugging and load tests (scenes 1129, 1030, 1101, 1203) are taken and not counted.
     */
    sendEvents: (body: EventBatch, options?: CallOptions): Promise<EventsAccepted> =>
      transport({ operation: 'sendEvents', method: 'POST', path: '/events', auth: 'optional', responseType: 'json', body, options }) as Promise<EventsAccepted>,
    /**
     * My share code image (GET /me/share/qrcode)
     *
     * The image WeChat's wxacode.getUnlimited draws (PNG) for the shop's home page with the scene `inviter=<code>`; the page reads it from options.scene (decodeURIComponent first). Cache it on the device: the code does not change.
     */
    shareQrcode: (options?: CallOptions): Promise<ArrayBuffer> =>
      transport({ operation: 'shareQrcode', method: 'GET', path: '/me/share/qrcode', auth: 'required', responseType: 'arraybuffer', options }) as Promise<ArrayBuffer>,
    /** Check the payment now (POST /orders/{id}/sync) */
    syncOrder: (id: string, options?: CallOptions): Promise<Order> =>
      transport({ operation: 'syncOrder', method: 'POST', path: `/orders/${encodeURIComponent(id)}/sync`, auth: 'required', responseType: 'json', options }) as Promise<Order>,
    /** Update an address (PUT /addresses/{id}) */
    updateAddress: (id: string, body: AddressInput, options?: CallOptions): Promise<Address> =>
      transport({ operation: 'updateAddress', method: 'PUT', path: `/addresses/${encodeURIComponent(id)}`, auth: 'required', responseType: 'json', body, options }) as Promise<Address>,
  }
}

export type Client = ReturnType<typeof createClient>
