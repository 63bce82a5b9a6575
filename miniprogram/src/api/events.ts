// The dashboard's traffic events (POST /events): kept in memory and sent together - every 5
// seconds, when 20 have gathered, and when the shop goes to the background - with this opening's
// scene and query, anonymous or (with a session) as the shopper. Sending is best effort: a batch the
// API did not take is sent once more with the same batch_id (counted once), then dropped.
import type { ClientEvent, EventBatch } from './openapi'
import { ApiError, api } from './http'
import { launchInfo } from './launch.js'

const ANON_KEY = 'minishop.anonymous-id'
const EVERY_MS = 5000
const AT_ONCE = 20
const queue: ClientEvent[] = []
let timer: ReturnType<typeof setTimeout> | null = null

function randomId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`.slice(0, 64)
}

function anonymousId(): string {
  let id = uni.getStorageSync(ANON_KEY) as string
  if (!id) {
    id = randomId('anon')
    uni.setStorageSync(ANON_KEY, id)
  }
  return id
}

async function post(batch: EventBatch, retry: boolean): Promise<void> {
  try {
    await api.sendEvents(batch) // as the shopper when signed in (the route takes a token when there is one)
  } catch (e) {
    if (retry && e instanceof ApiError && (e.status === 0 || e.status >= 500)) setTimeout(() => post(batch, false), EVERY_MS)
  }
}

export function flush(): void {
  if (timer) clearTimeout(timer)
  timer = null
  while (queue.length) {
    const events = queue.splice(0, AT_ONCE)
    post({ batch_id: randomId('b'), anonymous_id: anonymousId(), launch: launchInfo(), events }, true)
  }
}

export function track(type: ClientEvent['type'], fields: Omit<ClientEvent, 'type' | 'at'> = {}): void {
  queue.push({ type, at: Date.now(), ...fields })
  if (queue.length >= AT_ONCE) flush()
  else if (!timer) timer = setTimeout(flush, EVERY_MS)
}
