// The shop API over uni.request (wx.request on WeChat): JSON in and out, the base URL a build
// setting, every failure an ApiError whose message is Chinese a shopper can read.
import { inviterHandled, pendingInviter } from './launch.js'
import { loginCode } from './login-code.js'

const BASE = String(import.meta.env.VITE_API_BASE || '').replace(/\/+$/, '')
export const TOKEN_KEY = 'minishop.token'

// The local WeChat simulator (H5 build for make dev only: its stand-in for wx.requestPayment)
export function simulator(method, path) {
  return send(method, path, { base: String(import.meta.env.VITE_SIM_BASE || '').replace(/\/+$/, '') })
}

const MESSAGES = {
  network: '网络连接失败，请检查网络后重试',
  not_found: '内容不存在或已下架',
  product_not_found: '商品不存在或已下架',
  too_many_requests: '操作太频繁，请稍后再试',
  out_of_stock: '库存不足',
  insufficient_stock: '库存不足',
  sku_not_found: '该规格已下架',
  off_shelf: '商品已下架',
  login_failed: '登录失败，请稍后再试',
  order_changed: '订单状态已变化，请刷新后重试',
  address_not_found: '收货地址不存在，请重新选择',
  pickup_store_not_found: '自提点不存在，请重新选择',
  idempotency_key_reused: '订单已提交，请到订单列表查看',
  refund_not_allowed: '该订单当前不能申请退款',
  refund_in_progress: '已有退款在处理中',
  coupon_sold_out: '优惠券已抢光',
  coupon_limit_reached: '已领取过这张券',
  coupon_claim_closed: '不在领取时间',
  coupon_new_users_only: '仅限新用户领取',
  service_unavailable: '服务繁忙，请稍后再试',
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message)
    this.status = status
    this.code = code
  }
}

function messageFor(status, code, serverMessage) {
  if (MESSAGES[code]) return MESSAGES[code]
  if (status === 404) return MESSAGES.not_found
  if (status === 429) return MESSAGES.too_many_requests
  if (status >= 500) return MESSAGES.service_unavailable
  return serverMessage || '请求失败，请稍后再试'
}

export function queryString(query) {
  const parts = Object.entries(query || {})
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

function send(method, path, { query, body, headers, base = BASE } = {}) {
  return new Promise((resolve, reject) => {
    uni.request({
      url: `${base}${path}${queryString(query)}`,
      method,
      data: body,
      header: { Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      success(res) {
        if (res.statusCode >= 200 && res.statusCode < 300) return resolve(res.data)
        const error = (res.data && res.data.error) || {}
        reject(new ApiError(res.statusCode, error.code || `http_${res.statusCode}`,
          messageFor(res.statusCode, error.code, error.message)))
      },
      fail() {
        reject(new ApiError(0, 'network', MESSAGES.network))
      },
    })
  })
}

let signingIn = null

// A session token from POST /auth/login with a login code (wx.login on WeChat), kept in storage;
// one sign-in at a time however many requests need it.
function signIn() {
  if (!signingIn) {
    const inviter = pendingInviter()
    signingIn = loginCode()
      .then((code) => send('POST', '/auth/login', { body: inviter ? { code, inviter } : { code } }))
      .then((answer) => {
        uni.setStorageSync(TOKEN_KEY, answer.token)
        if (inviter) inviterHandled() // a new shopper is bound to the friend; someone who was here before is not
        return answer.token
      })
      .finally(() => { signingIn = null })
  }
  return signingIn
}

// A request; with auth, signed in silently first when there is no token, and once more (with no
// prompt) when the API says the token is no longer good (401).
export async function request(method, path, options = {}) {
  if (!options.auth) return send(method, path, options)
  const withToken = (token) => send(method, path, { ...options, headers: { ...options.headers, Authorization: `Bearer ${token}` } })
  const stored = uni.getStorageSync(TOKEN_KEY)
  try {
    return await withToken(stored || await signIn())
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
    uni.removeStorageSync(TOKEN_KEY)
    return withToken(await signIn())
  }
}

// A shopper already signed in who opens a friend's share: POST /share/accept (the API binds only a
// shopper who has not ordered yet and has no inviter). Shoppers not signed in yet carry the inviter
// into their sign-in instead.
export async function acceptPendingInvitation() {
  const inviter = pendingInviter()
  if (!inviter || !uni.getStorageSync(TOKEN_KEY)) return
  try {
    await request('POST', '/share/accept', { auth: true, body: { inviter } })
    inviterHandled()
  } catch (e) {
    if (e.status && e.status < 500) inviterHandled() // refused for good (own code, unknown code)
  }
}

export const api = {
  categories: () => request('GET', '/categories'),
  products: (query) => request('GET', '/products', { query }),
  product: (id) => request('GET', `/products/${encodeURIComponent(id)}`),
  cart: () => request('GET', '/cart', { auth: true }),
  setCartItem: (skuId, quantity) => request('PUT', `/cart/items/${encodeURIComponent(skuId)}`, { auth: true, body: { quantity } }),
  removeCartItem: (skuId) => request('DELETE', `/cart/items/${encodeURIComponent(skuId)}`, { auth: true }),
  addresses: () => request('GET', '/addresses', { auth: true }),
  createAddress: (address) => request('POST', '/addresses', { auth: true, body: address }),
  parseAddress: (text) => request('POST', '/addresses/parse', { auth: true, body: { text } }),
  pickupStores: () => request('GET', '/pickup-stores'),
  preview: (checkout) => request('POST', '/orders/preview', { auth: true, body: checkout }),
  placeOrder: (checkout, idempotencyKey) => request('POST', '/orders', {
    auth: true, body: checkout, headers: { 'Idempotency-Key': idempotencyKey } }),
  orders: (query) => request('GET', '/orders', { auth: true, query }),
  order: (id) => request('GET', `/orders/${encodeURIComponent(id)}`, { auth: true }),
  syncOrder: (id) => request('POST', `/orders/${encodeURIComponent(id)}/sync`, { auth: true }),
  payAgain: (id) => request('POST', `/orders/${encodeURIComponent(id)}/pay`, { auth: true }),
  cancelOrder: (id) => request('POST', `/orders/${encodeURIComponent(id)}/cancel`, { auth: true }),
  confirmOrder: (id) => request('POST', `/orders/${encodeURIComponent(id)}/confirm`, { auth: true }),
  requestRefund: (id, reason) => request('POST', `/orders/${encodeURIComponent(id)}/refund`, { auth: true, body: { reason } }),
  pickupCode: (id) => request('GET', `/orders/${encodeURIComponent(id)}/pickup-code`, { auth: true }),
  me: () => request('GET', '/me', { auth: true }),
  myShare: () => request('GET', '/me/share', { auth: true }),
  couponCenter: () => request('GET', '/coupons', { auth: true }),
  claimCoupon: (id) => request('POST', `/coupons/${encodeURIComponent(id)}/claim`, { auth: true }),
  myCoupons: (status) => request('GET', '/me/coupons', { auth: true, query: { status } }),
  shareImage: () => requestImage('/me/share/qrcode'),
}

// An image the API draws for the shopper (PNG), as a data: URL the page can show and save.
async function requestImage(path) {
  const token = uni.getStorageSync(TOKEN_KEY) || await signIn()
  return new Promise((resolve, reject) => {
    uni.request({
      url: `${BASE}${path}`, method: 'GET', responseType: 'arraybuffer', header: { Authorization: `Bearer ${token}` },
      success(res) {
        if (res.statusCode === 200) resolve(`data:image/png;base64,${uni.arrayBufferToBase64(res.data)}`)
        else reject(new ApiError(res.statusCode, `http_${res.statusCode}`, messageFor(res.statusCode, '', '')))
      },
      fail: () => reject(new ApiError(0, 'network', MESSAGES.network)),
    })
  })
}
