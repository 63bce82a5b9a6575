// @ts-check
// The one way the console talks to the API: same-origin /admin/... with the staff access token.
//
// - `api` is the generated typed client (./openapi.ts, from docs/openapi.json by
//   infra/tools/ts_client.py): one function per /admin/ operation, e.g. `api.listStaff()`,
//   `api.updateStaff(name, body)`, `api.deleteProduct(id, { version })`. Its transport (below)
//   sends each request through `request()`, which owns the token, the refresh and the errors.
// - The access token lives in this module's memory only (never localStorage / sessionStorage /
//   a cookie written here). The refresh token is the HttpOnly cookie __Secure-staff_refresh
//   (Path=/admin/auth) that the API sets; `refreshSession()` posts /admin/auth/refresh with no body
//   and the browser sends the cookie.
// - A refresh token is single use and presenting a spent one ends the whole sign-in, so refreshes
//   are serialized: one promise per tab, and across tabs a Web Lock (navigator.locks) so that two
//   tabs never post the same cookie at once (the second waits and then sends the rotated cookie).
// - The token is refreshed just before it expires (when a request is about to be sent, so an idle
//   tab does not keep a sign-in alive past the API's idle timeout) and once on a 401, then the
//   request is retried.

import { ApiError, messageFor } from './errors.js'
import { createClient } from './openapi.ts'

export { ApiError } from './errors.js'

/** @typedef {import('./openapi.ts').ApiRequest} ApiRequest */
/** @typedef {import('./openapi.ts').HttpMethod} HttpMethod */
/** @typedef {import('./openapi.ts').PresignedPost} PresignedPost */
/** @typedef {import('./openapi.ts').SignedIn} SignedIn */
/** @typedef {import('./openapi.ts').Transport} Transport */
/** @typedef {import('./errors.js').Code} Code */
/**
 * The sign-in answer without its tokens: what the auth store and the listeners get.
 * @typedef {Omit<SignedIn, 'access_token' | 'refresh_token' | 'token_type'>} Session
 */
/** @typedef {(session: Session | null, why: ApiError | null) => void} SessionListener */

const REFRESH_PATH = '/admin/auth/refresh'
// Calls whose 401 is an answer (wrong password, no session), never a reason to refresh.
const NO_REFRESH = ['/admin/auth/sign-in', REFRESH_PATH, '/admin/auth/wechat', '/admin/staff/accept']
const EARLY_MS = 30_000 // refresh this long before the access token expires
const LOCK_NAME = 'minishop-staff-refresh'

/** @type {string | null} */
let accessToken = null
let expiresAt = 0 // ms epoch
/** @type {Promise<Session> | null} */
let refreshing = null // the one refresh in flight
/** @type {Set<SessionListener>} */
const listeners = new Set()

/**
 * Called with the sign-in answer (name, role, role_label, permissions, session_id, expires_in,
 * refresh_expires_at, second_factor; never a token) whenever a session starts or is refreshed,
 * and with (null, why) when it ended: `why` is the ApiError of the refused refresh (e.g.
 * account_disabled, session_expired, refresh_token_reused), or null for a sign-out.
 * Returns a function that removes the listener.
 * @param {SessionListener} listener
 * @returns {() => boolean}
 */
export function onSessionChange(listener) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/**
 * @param {Session | null} session
 * @param {ApiError | null} [why]
 */
function emit(session, why = null) {
  for (const l of listeners) {
    try {
      l(session, why)
    } catch (e) {
      console.error(e)
    }
  }
}

/**
 * @param {SignedIn} answer
 * @returns {Session}
 */
function publicPart(answer) {
  // the refresh token is in the body too (for the mini-program); the browser keeps only the cookie
  const { access_token: _a, refresh_token: _r, token_type: _t, ...rest } = answer || {}
  return rest
}

/**
 * Takes a sign-in or refresh answer: keeps the access token in memory, tells the listeners.
 * @param {SignedIn} answer
 * @returns {Session}
 */
export function acceptSession(answer) {
  accessToken = answer.access_token
  const life = Math.max(30, Number(answer.expires_in) || 600) * 1000
  expiresAt = Date.now() + life
  const session = publicPart(answer)
  emit(session)
  return session
}

/**
 * Forgets the access token (after sign-out or a refused refresh) and tells the listeners.
 * @param {ApiError | null} [why]
 */
export function clearSession(why = null) {
  const had = accessToken !== null
  accessToken = null
  expiresAt = 0
  if (had) emit(null, why)
}

/** @returns {boolean} */
export function hasSession() {
  return accessToken !== null
}

/**
 * @param {ApiRequest['query']} query
 * @returns {string} `?a=1&b=2`, or '' (undefined, null and '' values are left out)
 */
function toQuery(query) {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) v.forEach((x) => params.append(k, String(x)))
    else params.append(k, String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

/**
 * The ApiError of a failed answer ({"error": {code, message, details}}, or any other body).
 * @param {Response} res
 * @returns {Promise<ApiError>}
 */
async function errorFrom(res) {
  let payload = null
  try {
    payload = await res.json()
  } catch {
    payload = null
  }
  const e = (payload && payload.error) || {}
  /** @type {Code} */
  const code = e.code || `http_${res.status}`
  const details = e.details === undefined ? null : e.details
  const serverMessage = typeof e.message === 'string' ? e.message : ''
  if (res.status === 429 && details === null) {
    const retry = Number(res.headers.get('Retry-After'))
    if (retry > 0) return new ApiError({ status: 429, code, details: { retry_after: retry }, serverMessage,
      message: messageFor(429, code, serverMessage, { retry_after: retry }) })
  }
  return new ApiError({ status: res.status, code, details, serverMessage,
    message: messageFor(res.status, code, serverMessage, details) })
}

/** @type {Record<ApiRequest['responseType'], string>} */
const ACCEPT = {
  json: 'application/json',
  text: 'text/csv, text/plain;q=0.9, */*;q=0.8',
  arraybuffer: '*/*',
}

/**
 * @typedef {object} SendOptions
 * @property {string | null} [token] the access token to send (default: the current one)
 * @property {ApiRequest['headers']} [headers] extra headers; null and undefined ones are left out
 * @property {ApiRequest['responseType']} [responseType] how to read a 2xx answer (default json)
 * @property {((received: number, total: number | null) => void)} [onProgress] while a text answer arrives
 */

/**
 * One fetch: resolves with the answer read as `responseType` (JSON parsed, null for 204 or an
 * empty JSON answer; text as a string; bytes as an ArrayBuffer), rejects with ApiError.
 * @param {HttpMethod} method
 * @param {string} path the path with its query string
 * @param {unknown} body sent as JSON unless undefined or null
 * @param {SendOptions} [options]
 * @returns {Promise<unknown>}
 */
async function send(method, path, body, { token = accessToken, headers = {}, responseType = 'json', onProgress } = {}) {
  /** @type {Record<string, string>} */
  const h = { Accept: ACCEPT[responseType] }
  for (const [k, v] of Object.entries(headers || {})) {
    if (v !== undefined && v !== null) h[k] = v
  }
  if (token) h.Authorization = `Bearer ${token}`
  /** @type {RequestInit} */
  const init = { method, headers: h, credentials: 'same-origin', cache: 'no-store' }
  if (body !== undefined && body !== null) {
    h['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res
  try {
    res = await fetch(path, init)
  } catch (cause) {
    const err = new ApiError({ status: 0, code: 'network_error', message: messageFor(0, 'network_error') })
    err.cause = cause
    throw err
  }
  if (res.status === 204) return null
  if (!res.ok) throw await errorFrom(res)
  if (responseType === 'arraybuffer') return res.arrayBuffer()
  if (responseType === 'text' && res.body) return readText(res, onProgress)
  const text = await res.text()
  if (responseType === 'text') return text
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    throw new ApiError({ status: res.status, code: 'bad_answer', message: '服务器返回的内容无法识别，请稍后再试。' })
  }
}

/**
 * A text answer read as it arrives, telling `onProgress` (if any) the bytes so far (a large CSV
 * takes a while); a leading byte order mark is kept, as the file has it.
 * @param {Response} res
 * @param {((received: number, total: number | null) => void) | undefined} onProgress
 * @returns {Promise<string>}
 */
async function readText(res, onProgress) {
  const total = Number(res.headers.get('Content-Length')) || null
  const reader = /** @type {ReadableStream<Uint8Array>} */ (res.body).getReader()
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
  let text = ''
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.length
    text += decoder.decode(value, { stream: true })
    if (onProgress) onProgress(received, total)
  }
  return text + decoder.decode()
}

/** @returns {Promise<Session>} */
async function doRefresh() {
  try {
    const answer = /** @type {SignedIn | null} */ (await send('POST', REFRESH_PATH, undefined, { token: null }))
    if (answer === null) {
      // 204: the browser holds no refresh cookie (never signed in here, or signed out)
      throw new ApiError({ status: 401, code: 'not_signed_in', message: '请先登录。' })
    }
    return acceptSession(answer)
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) clearSession(err)
    throw err
  }
}

/**
 * Gets a new access token from the refresh cookie. Concurrent callers (parallel requests) share
 * one refresh; other tabs wait for the Web Lock. Resolves with the session, rejects with ApiError
 * (401 when there is no valid sign-in: then the session is cleared).
 * @returns {Promise<Session>}
 */
export function refreshSession() {
  if (refreshing) return refreshing
  const run = () => doRefresh()
  const locked = typeof navigator !== 'undefined' && navigator.locks && navigator.locks.request
    // (lib.dom types request() as Promise<T> of the callback's T; it resolves with what T resolves with)
    ? /** @type {Promise<Session>} */ (/** @type {unknown} */ (navigator.locks.request(LOCK_NAME, run)))
    : run()
  const running = locked.finally(() => {
    refreshing = null
  })
  refreshing = running
  return running
}

/** @returns {Promise<string | null>} the access token to send, refreshed first when it is about to expire */
async function freshToken() {
  if (refreshing) await refreshing.catch(() => {})
  if (accessToken && Date.now() > expiresAt - EARLY_MS) {
    try {
      await refreshSession()
    } catch (err) {
      if (!(err instanceof ApiError) || err.status === 0) throw err
      // refused: the request goes without a token and gets its 401
    }
  }
  return accessToken
}

/**
 * @typedef {object} RequestOptions
 * @property {ApiRequest['query']} [query]
 * @property {unknown} [body]
 * @property {ApiRequest['headers']} [headers]
 * @property {ApiRequest['responseType']} [responseType]
 * @property {ApiRequest['auth']} [auth] 'none': a route whose 401 is an answer (as NO_REFRESH)
 * @property {SendOptions['onProgress']} [onProgress]
 */

/**
 * An API call with the staff token: refreshed just before it expires, and once more (then the call
 * is retried once) when the API answers 401. Calls of NO_REFRESH (and of `auth: 'none'` routes,
 * the same ones) send the token they have and take a 401 as the answer.
 * @param {HttpMethod} method
 * @param {string} path the path, its parameters filled in and URL-encoded
 * @param {RequestOptions} [options]
 * @returns {Promise<unknown>}
 */
async function request(method, path, { query, body, headers, responseType, auth, onProgress } = {}) {
  const url = path + toQuery(query)
  const noRefresh = auth === 'none' || NO_REFRESH.some((p) => path.startsWith(p))
  if (noRefresh) return send(method, url, body, { token: accessToken, headers, responseType, onProgress })
  const token = await freshToken()
  try {
    return await send(method, url, body, { token, headers, responseType, onProgress })
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err
    // the token expired or was revoked since: one refresh, one retry
    if (accessToken && accessToken !== token) return send(method, url, body, { token: accessToken, headers, responseType, onProgress })
    try {
      await refreshSession()
    } catch (refreshErr) {
      // a refused refresh has cleared the session (the app goes to the sign-in page)
      throw refreshErr instanceof ApiError && refreshErr.status === 0 ? refreshErr : err
    }
    return send(method, url, body, { token: accessToken, headers, responseType, onProgress })
  }
}

/**
 * The generated client's transport: every operation goes through request().
 * @type {Transport}
 */
function transport({ method, path, query, body, headers, responseType, auth, options }) {
  return request(method, path, { query, body, headers, responseType, auth, onProgress: options && options.onProgress })
}

/**
 * The API: one typed function per /admin/ operation (see ./openapi.ts). Each resolves with the
 * answer (parsed JSON, null on 204; a string for a CSV) or rejects with ApiError.
 */
export const api = createClient(transport)

/**
 * @param {number} status
 * @param {string} xmlText S3's XML error answer
 * @returns {ApiError}
 */
function s3Error(status, xmlText) {
  const m = /<Code>([^<]+)<\/Code>/.exec(xmlText || '')
  const s3code = m ? m[1] : ''
  /** @type {Code} */
  let code = 'upload_failed'
  if (s3code === 'EntityTooLarge') code = 'upload_too_large'
  else if (s3code === 'AccessDenied' && /expired/i.test(xmlText || '')) code = 'upload_expired'
  else if (s3code === 'AccessDenied' && /Content-Type|condition/i.test(xmlText || '')) code = 'upload_type'
  return new ApiError({ status, code, details: s3code ? { s3_code: s3code } : null, message: messageFor(status, code) })
}

/**
 * A presigned S3 POST: `post` is {url, fields} from the API; `file` a File/Blob; `onProgress(0-100)`.
 * Resolves (with the status) when S3 answers 2xx; rejects with ApiError otherwise.
 * Returns a promise with an extra `abort()` method.
 * @param {PresignedPost} post
 * @param {Blob} file
 * @param {(percent: number) => void} [onProgress]
 * @returns {Promise<number> & { abort: () => void }}
 */
export function upload(post, file, onProgress) {
  const xhr = new XMLHttpRequest()
  /** @type {Promise<number>} */
  const promise = new Promise((resolve, reject) => {
    const form = new FormData()
    for (const [k, v] of Object.entries(post.fields || {})) form.append(k, v)
    form.append('file', file) // S3 wants the file last
    xhr.open('POST', post.url)
    xhr.upload.onprogress = (e) => {
      if (onProgress && e.lengthComputable) onProgress(Math.min(100, Math.floor((e.loaded * 100) / e.total)))
    }
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        if (onProgress) onProgress(100)
        resolve(xhr.status)
      } else {
        reject(s3Error(xhr.status, xhr.responseText))
      }
    }
    xhr.onerror = () => reject(new ApiError({ status: 0, code: 'network_error', message: messageFor(0, 'network_error') }))
    xhr.onabort = () => reject(new ApiError({ status: 0, code: 'aborted', message: '上传已取消。' }))
    xhr.send(form)
  })
  return Object.assign(promise, { abort: () => xhr.abort() })
}

/**
 * Starts a browser download of `url` (e.g. a presigned export link) as `filename`.
 * @param {string} url
 * @param {string} [filename]
 */
export function downloadUrl(url, filename) {
  const a = document.createElement('a')
  a.href = url
  if (filename) a.download = filename
  a.rel = 'noopener'
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  setTimeout(() => a.remove(), 0)
}

export default api
