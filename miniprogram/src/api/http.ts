// The shop API: the generated typed client (./client.ts, from docs/openapi.json) over uni.request
// (wx.request on WeChat). JSON in and out, the base URL a build setting, every failure an ApiError
// whose message is Chinese a shopper can read.
import { createClient, type ApiRequest, type ErrorCode, type QueryValue } from './openapi'
import { inviterHandled, pendingInviter } from './launch.js'
import { loginCode } from './login-code.js'

const BASE = String(import.meta.env.VITE_API_BASE || '').replace(/\/+$/, '')
const SIM_BASE = String(import.meta.env.VITE_SIM_BASE || '').replace(/\/+$/, '')
export const TOKEN_KEY = 'minishop.token'

/** Codes of failures that never reached the API's error shape. */
export type ClientErrorCode = 'network' | `http_${number}`

// Sentences for the codes a shopper meets; other codes fall back on the HTTP status.
const MESSAGES: Partial<Record<ErrorCode | ClientErrorCode, string>> = {
  network: '网络连接失败，请检查网络后重试',
  not_found: '内容不存在或已下架',
  product_not_found: '商品不存在或已下架',
  too_many_requests: '操作太频繁，请稍后再试',
  out_of_stock: '库存不足',
  insufficient_stock: '库存不足',
  sku_not_found: '该规格已下架',
  off_shelf: '商品已下架',
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
  status: number
  code: ErrorCode | ClientErrorCode

  constructor(status: number, code: ErrorCode | ClientErrorCode, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

function messageFor(status: number, code: ErrorCode | ClientErrorCode, serverMessage?: string): string {
  const known = MESSAGES[code]
  if (known) return known
  if (status === 404) return MESSAGES.not_found as string
  if (status === 429) return MESSAGES.too_many_requests as string
  if (status >= 500) return MESSAGES.service_unavailable as string
  return serverMessage || '请求失败，请稍后再试'
}

export function queryString(query?: { [name: string]: QueryValue }): string {
  const parts: string[] = []
  for (const [k, v] of Object.entries(query || {})) {
    if (v === undefined || v === null || v === '') continue
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(one))}`)
  }
  return parts.length ? `?${parts.join('&')}` : ''
}

interface Send {
  method: ApiRequest['method']
  path: string
  query?: ApiRequest['query']
  body?: unknown
  headers?: ApiRequest['headers']
  responseType?: ApiRequest['responseType']
  base?: string
}

function send({ method, path, query, body, headers, responseType = 'json', base = BASE }: Send): Promise<unknown> {
  const header: Record<string, string> = { Accept: responseType === 'json' ? 'application/json' : '*/*' }
  if (body !== undefined) header['Content-Type'] = 'application/json'
  for (const [k, v] of Object.entries(headers || {})) if (v !== undefined && v !== null) header[k] = v
  return new Promise((resolve, reject) => {
    uni.request({
      url: `${base}${path}${queryString(query)}`,
      method,
      data: body as UniApp.RequestOptions['data'],
      header,
      responseType: responseType === 'arraybuffer' ? 'arraybuffer' : 'text',
      dataType: responseType === 'json' ? 'json' : 'text',
      success(res) {
        if (res.statusCode === 204) return resolve(null)
        if (res.statusCode >= 200 && res.statusCode < 300) return resolve(res.data)
        const data = (typeof res.data === 'string' ? safeJson(res.data) : res.data) as { error?: { code?: string, message?: string } }
        const error = (data && data.error) || {}
        const code = (error.code || `http_${res.statusCode}`) as ErrorCode | ClientErrorCode
        reject(new ApiError(res.statusCode, code, messageFor(res.statusCode, code, error.message)))
      },
      fail() {
        reject(new ApiError(0, 'network', MESSAGES.network as string))
      },
    })
  })
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

// The local WeChat simulator (H5 build for make dev only: its stand-in for wx.requestPayment and
// for the shopper's side of wx.requestSubscribeMessage)
export function simulator(method: ApiRequest['method'], path: string, body?: unknown): Promise<unknown> {
  return send({ method, path, body, base: SIM_BASE })
}

let signingIn: Promise<string> | null = null

// A session token from POST /auth/login with a login code (wx.login on WeChat), kept in storage;
// one sign-in at a time however many requests need it.
function signIn(): Promise<string> {
  if (!signingIn) {
    const inviter = pendingInviter()
    signingIn = loginCode()
      .then((code: string) => api.login(inviter ? { code, inviter } : { code }))
      .then((answer) => {
        uni.setStorageSync(TOKEN_KEY, answer.token)
        if (inviter) inviterHandled() // a new shopper is bound to the friend; someone who was here before is not
        return answer.token
      })
      .finally(() => { signingIn = null })
  }
  return signingIn
}

// The transport of the generated client. A route that needs a session is signed in for silently
// first when there is no token, and once more (with no prompt) when the API says the token is no
// longer good (401); a route that takes a token when there is one gets the stored one, if any.
async function transport(request: ApiRequest): Promise<unknown> {
  const { auth, ...rest } = request
  const withToken = (token: string) => send({ ...rest, headers: { ...rest.headers, Authorization: `Bearer ${token}` } })
  const stored = uni.getStorageSync(TOKEN_KEY) as string
  if (auth === 'none') return send(rest)
  if (auth === 'optional') return stored ? withToken(stored) : send(rest)
  try {
    return await withToken(stored || await signIn())
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 401) throw e
    uni.removeStorageSync(TOKEN_KEY)
    return withToken(await signIn())
  }
}

export const api = createClient(transport)

// A shopper already signed in who opens a friend's share: POST /share/accept (the API binds only a
// shopper who has not ordered yet and has no inviter). Shoppers not signed in yet carry the inviter
// into their sign-in instead.
export async function acceptPendingInvitation(): Promise<void> {
  const inviter = pendingInviter()
  if (!inviter || !uni.getStorageSync(TOKEN_KEY)) return
  try {
    await api.acceptShare({ inviter })
    inviterHandled()
  } catch (e) {
    if (e instanceof ApiError && e.status && e.status < 500) inviterHandled() // refused for good (own code, unknown code)
  }
}

// An image the API draws (PNG or JPEG) as a data: URL the page can show and save.
export function imageUrl(bytes: ArrayBuffer): string {
  const png = new Uint8Array(bytes.slice(0, 4))
  const type = png[0] === 0x89 && png[1] === 0x50 ? 'image/png' : 'image/jpeg'
  return `data:${type};base64,${uni.arrayBufferToBase64(bytes)}`
}
