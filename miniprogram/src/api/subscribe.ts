// Subscribe messages (订阅消息, docs/messages.md): the shop may message a shopper about their order
// once per template they accepted. At checkout the shopper is asked for the shop's order templates
// (wx.requestSubscribeMessage) and the answer goes to POST /me/subscriptions, which counts the
// accepts. All of it is best effort: nothing here ever fails or holds up a checkout (errors are
// logged to the console and dropped).
//
// WeChat shows the popup only from a tap (or a payment's success callback), and only when the call
// is made in the tap's own handler, before anything it awaits: so the enabled templates are fetched
// ahead (loadSubscribeTemplates, when the checkout opens; kept for the session) and askForMessages
// calls wx.requestSubscribeMessage synchronously. The H5 build (make dev, the browser tests) has no
// popup: like pay.ts, it plays the shopper's side through the local simulator, a shopper who taps
// 允许 on every template (POST /_sim/subscribe/accept, so a later send is accepted there too), and
// reports the same answer.
import type { PublicTemplate } from './openapi'
import { api, simulator } from './http'
import { loginCode } from './login-code.js'

export type SubscribeEvent = 'order_shipped' | 'refund_result'

/** What checkout asks for: the messages about the order to come. */
export const ORDER_EVENTS: SubscribeEvent[] = ['order_shipped', 'refund_result']

// Older base libraries take at most 3 template ids a call (current ones 5).
const MAX_IDS = 3
// How long the order waits for the shopper's answer before going on to payment (one popup at a
// time; the answer normally comes with the shopper's tap, this is only a guard).
const ANSWER_WAIT_MS = 15000

type Answer = Record<string, string>

let templates: PublicTemplate[] | null = null
let loading: Promise<PublicTemplate[]> | null = null

/** The shop's enabled templates (GET /subscribe-templates), fetched once a session; [] when none
 *  or when they could not be fetched (asked for again next time). */
export function loadSubscribeTemplates(): Promise<PublicTemplate[]> {
  if (templates) return Promise.resolve(templates)
  if (!loading) {
    loading = api.listSubscribeTemplates()
      .then((list) => (templates = list.items))
      .catch((e) => {
        console.warn('subscribe templates not loaded', e)
        return []
      })
      .finally(() => { loading = null })
  }
  return loading
}

function idsFor(events: SubscribeEvent[]): string[] {
  const ids = (templates || []).filter((t) => (events as string[]).includes(t.event)).map((t) => t.template_id)
  return [...new Set(ids)].slice(0, MAX_IDS) // two events may share a template
}

function ask(tmplIds: string[]): Promise<Answer> {
  // #ifdef MP-WEIXIN
  return new Promise((resolve, reject) => {
    uni.requestSubscribeMessage({
      tmplIds,
      success: (res) => resolve(res as unknown as Answer), // {errMsg, <template id>: 'accept' | 'reject' | 'ban' | 'filter'}
      fail: (err) => reject(new Error(`requestSubscribeMessage failed: ${err && err.errCode} ${err && err.errMsg}`)),
    })
  })
  // #endif
  // #ifndef MP-WEIXIN
  return acceptInSimulator(tmplIds)
  // #endif
}

// #ifndef MP-WEIXIN
// The H5 build's stand-in: the shopper taps 允许 on every template, and the simulator counts one send
// of each for this shopper's openid (the one of the H5 build's login code). A template the simulator
// does not know (WeChat's 20001) is left out of the answer.
async function acceptInSimulator(tmplIds: string[]): Promise<Answer> {
  const code = String(await loginCode())
  const answer: Answer = { errMsg: 'requestSubscribeMessage:ok' }
  for (const templateId of tmplIds) {
    try {
      await simulator('POST', '/_sim/subscribe/accept', { code, template_id: templateId, times: 1 })
      answer[templateId] = 'accept'
    } catch (e) {
      console.warn(`the simulator did not accept template ${templateId}`, e)
    }
  }
  return answer
}
// #endif

function report(tmplIds: string[], answer: Answer): void {
  const results: Answer = {}
  for (const id of tmplIds) if (typeof answer[id] === 'string') results[id] = answer[id] // errMsg dropped
  if (!Object.keys(results).length) return
  api.reportSubscriptions({ results }).catch((e) => console.warn('subscriptions not reported', e))
}

/**
 * Asks the shopper for the templates of ``events`` (the ones the shop has enabled) and reports the
 * answer. Call it synchronously in a tap's handler, before anything is awaited. Resolves once the
 * shopper has answered (or at once when there is nothing to ask, at the latest after a guard
 * time); never rejects. The report goes on in the background.
 */
export function askForMessages(events: SubscribeEvent[]): Promise<void> {
  const tmplIds = idsFor(events)
  if (!tmplIds.length) return Promise.resolve()
  let answered: Promise<void>
  try {
    answered = ask(tmplIds).then((answer) => report(tmplIds, answer), (e) => console.warn('subscribe popup', e))
  } catch (e) {
    console.warn('subscribe popup', e)
    return Promise.resolve()
  }
  return new Promise<void>((resolve) => {
    const guard = setTimeout(resolve, ANSWER_WAIT_MS)
    answered.then(() => {
      clearTimeout(guard)
      resolve()
    })
  })
}
