// CSV export and import (docs/catalog.md "CSV"): the two catalog calls that are not JSON.
//
// The export is the typed client's exportProducts() (a text answer, with the client's token and
// refresh). The import sends the file itself as the body (text/csv), which the generated client
// does not model, and api/client.js keeps its access token to itself, so postCsv takes a token of
// its own: one refresh (the HttpOnly cookie, under the same Web Lock the client serializes its
// refreshes with, so a refresh token is never presented twice), whose answer is handed to the
// client (acceptSession) like any refresh. The token lives in this call's closure only.
import { ApiError, acceptSession, api, clearSession, downloadUrl } from '../../api/client.js'
import { messageFor } from '../../api/errors.js'

const REFRESH_LOCK = 'minishop-staff-refresh' // the lock name api/client.js uses
const BOM = '\uFEFF' // the API's CSV starts with one (for Excel), which the file must keep

async function errorOf(status, text) {
  let e = {}
  try {
    e = (JSON.parse(text) || {}).error || {}
  } catch {
    e = {}
  }
  const code = e.code || `http_${status}`
  const details = e.details === undefined ? null : e.details
  const serverMessage = typeof e.message === 'string' ? e.message : ''
  return new ApiError({ status, code, details, serverMessage, message: messageFor(status, code, serverMessage, details) })
}

function networkError() {
  return new ApiError({ status: 0, code: 'network_error', message: messageFor(0, 'network_error') })
}

async function freshToken() {
  const run = async () => {
    let res
    try {
      res = await fetch('/admin/auth/refresh', { method: 'POST', credentials: 'same-origin', cache: 'no-store',
                                                 headers: { Accept: 'application/json' } })
    } catch {
      throw networkError()
    }
    const text = await res.text()
    if (!res.ok) {
      const err = await errorOf(res.status, text)
      if (res.status === 401 || res.status === 403) clearSession()
      throw err
    }
    const answer = JSON.parse(text)
    acceptSession(answer)
    return answer.access_token
  }
  return typeof navigator !== 'undefined' && navigator.locks && navigator.locks.request
    ? navigator.locks.request(REFRESH_LOCK, run)
    : run()
}

/**
 * Downloads the products CSV (GET /admin/products/export) and saves it as `filename`;
 * onBytes(received) while it arrives. Resolves with its size in bytes.
 */
export async function downloadProductsCsv(filename, onBytes) {
  const text = await api.exportProducts({ onProgress: (received) => onBytes && onBytes(received) })
  const blob = new Blob([text.startsWith(BOM) ? text : BOM + text], { type: 'text/csv;charset=utf-8' })
  const href = URL.createObjectURL(blob)
  downloadUrl(href, filename)
  setTimeout(() => URL.revokeObjectURL(href), 60_000)
  return blob.size
}

/** POST `file` as text/csv to `path`; onProgress(0-100) while it uploads; resolves with the JSON answer. */
export async function postCsv(path, file, onProgress) {
  const token = await freshToken()
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.setRequestHeader('Content-Type', 'text/csv')
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.upload.onprogress = (e) => {
      if (onProgress && e.lengthComputable) onProgress(Math.min(100, Math.floor((e.loaded * 100) / e.total)))
    }
    xhr.upload.onload = () => onProgress && onProgress(100)
    xhr.onload = async () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(JSON.parse(xhr.responseText))
        } catch {
          reject(new ApiError({ status: xhr.status, code: 'bad_answer', message: '服务器返回的内容无法识别，请稍后再试。' }))
        }
      } else {
        reject(await errorOf(xhr.status, xhr.responseText))
      }
    }
    xhr.onerror = () => reject(networkError())
    xhr.send(file)
  })
}
