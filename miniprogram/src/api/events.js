// The dashboard's traffic events (POST /events): kept in memory and sent together - every 5
// seconds, when 20 have gathered, and when the shop goes to the background - with this opening's
// scene and query, anonymous or (with a session) as the shopper. Sending is best effort: a batch the
// API did not take is sent once more with the same batch_id (counted once), then dropped.
import { TOKEN_KEY, request } from './http.js'
import { launchInfo } from './launch.js'

const ANON_KEY = 'minishop.anonymous-id'
const EVERY_MS = 5000
const AT_ONCE = 20
const queue = []
let timer = null

function randomId(prefix) {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`.slice(0, 64)
}

function anonymousId() {
  let id = uni.getStorageSync(ANON_KEY)
  if (!id) {
    id = randomId('anon')
    uni.setStorageSync(ANON_KEY, id)
  }
  return id
}

async function post(batch, retry) {
  const token = uni.getStorageSync(TOKEN_KEY)
  try {
    await request('POST', '/events', { body: batch, headers: token ? { Authorization: `Bearer ${token}` } : {} })
  } catch (e) {
    if (retry && (e.status === 0 || e.status >= 500)) setTimeout(() => post(batch, false), EVERY_MS)
  }
}

export function flush() {
  if (timer) clearTimeout(timer)
  timer = null
  while (queue.length) {
    const events = queue.splice(0, AT_ONCE)
    post({ batch_id: randomId('b'), anonymous_id: anonymousId(), launch: launchInfo(), events }, true)
  }
}

export function track(type, fields = {}) {
  queue.push({ type, at: Date.now(), ...fields })
  if (queue.length >= AT_ONCE) flush()
  else if (!timer) timer = setTimeout(flush, EVERY_MS)
}
