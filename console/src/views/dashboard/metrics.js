// What the dashboard shows and how: the cards (with each metric's definition), percentages,
// comparisons with yesterday, the Beijing dates of the range picker, and the dashboard's errors.
//
// The API gives amounts in integer fen and rates as fractions with 4 decimals (0.1234) or null
// (a rate over nothing); figures here are only formatted, never recomputed.

import { describe } from '../../api/errors.js'
import { addDays, beijingTimeSeconds, beijingToday, yuan } from '../../utils/format.js'

export const DASH = '—'
export const MAX_RANGE_DAYS = 366
export const POLL_MS = 10_000

const RANGE_NOTE = '区间访客/买家数为每日之和：同一个人在两天都来，算 2 人。'

/**
 * The cards, in display order. `value(t)` reads the totals; `kind` says how to show it;
 * `compare` lists the totals fields compared with yesterday; `uniques`: the figure counts people
 * (or is computed from such a count), so over a range it rests on a sum of daily uniques (the
 * tooltip says so); `derived`: a ratio or an average the API computes from the period's sums.
 */
export const CARDS = [
  { key: 'pay_amount', title: '支付金额', kind: 'money', compare: ['pay_amount'],
    tip: '支付金额（GMV）：已支付订单的实付金额之和，含运费、已扣优惠券，未扣退款（退款见“成功退款金额”）。按支付时间计。' },
  { key: 'paid_orders', title: '支付订单数', kind: 'count', compare: ['paid_orders'],
    tip: '支付订单数：已支付的订单笔数，按支付时间计。' },
  { key: 'pay_buyers', title: '支付买家数', kind: 'count', compare: ['pay_buyers'], uniques: true,
    tip: '支付买家数：支付了订单的买家人数（去重）。' },
  { key: 'avg_order_value', derived: true, title: '客单价', kind: 'money', compare: ['avg_order_value'], uniques: true,
    tip: '客单价 = 支付金额 ÷ 支付买家数（四舍五入到分）。没有买家时为“—”。' },
  { key: 'visitors', title: '访客数', kind: 'count', compare: ['visitors'], uniques: true,
    tip: '访客数：打开小程序的人数（去重；登录用户按账号，未登录按设备计），不含微信爬虫和测试场景。' },
  { key: 'pay_conversion', derived: true, title: '支付转化率', kind: 'rate', compare: ['pay_conversion'], uniques: true,
    tip: '支付转化率 = 支付买家数 ÷ 访客数。没有访客时为“—”。' },
  { key: 'buyers_split', title: '新 / 老买家', kind: 'split', compare: ['new_buyers', 'returning_buyers'], uniques: true,
    tip: '新买家：第一次付款的买家；老买家：以前付过款、这次又付款的买家。新买家 + 老买家 = 支付买家数。' },
  { key: 'repurchase_rate', derived: true, title: '复购率', kind: 'rate', compare: ['repurchase_rate'], uniques: true,
    tip: '复购率 = 老买家 ÷ 支付买家数。没有买家时为“—”。' },
  { key: 'arpu', derived: true, title: 'ARPU（访客价值）', kind: 'money', compare: ['arpu'], uniques: true,
    tip: 'ARPU（访客价值）= 支付金额 ÷ 访客数（四舍五入到分），平均每位访客带来的支付金额。没有访客时为“—”。' },
  { key: 'refund_amount', title: '成功退款金额', kind: 'money', compare: ['refund_amount'],
    tip: '成功退款金额：退款成功的金额之和，计在退款成功的那一天（不论订单哪天支付）。' },
  { key: 'refund_rate', derived: true, title: '退款率', kind: 'rate', compare: ['refund_rate'],
    tip: '退款率 = 成功退款金额 ÷ 支付金额（同一时期）。没有支付金额时为“—”。' },
  { key: 'new_users', title: '新用户', kind: 'count', compare: ['new_users'],
    tip: '新用户：第一次登录小程序的用户数。' },
]

export function cardTip(card, range) {
  return range && card.uniques ? `${card.tip}\n${RANGE_NOTE}` : card.tip
}

export { RANGE_NOTE }

function group(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** A count: 12345 -> "12,345"; null -> "—". */
export function count(n) {
  return Number.isFinite(n) ? group(n) : DASH
}

/** A fraction -> percent with 2 decimals: 0.1234 -> "12.34%"; null -> "—". */
export function percent(f) {
  if (!Number.isFinite(f)) return DASH
  const basis = Math.round(f * 10000) // hundredths of a percent, an integer
  const sign = basis < 0 ? '-' : ''
  const abs = Math.abs(basis)
  const cents = abs % 100
  return `${sign}${group(Math.floor(abs / 100))}.${cents < 10 ? '0' : ''}${cents}%`
}

/** A card's main figure as text. */
export function cardValue(card, totals) {
  if (!totals) return DASH
  if (card.kind === 'split') return `${count(totals.new_buyers)} / ${count(totals.returning_buyers)}`
  const v = totals[card.key]
  if (card.kind === 'money') return yuan(v)
  if (card.kind === 'rate') return percent(v)
  return count(v)
}

/**
 * Change against yesterday: {text: "+12.50%" | "−3.00%" | "0.00%" | "—", trend: 'up'|'down'|'flat'|null}.
 * "—" when there is nothing to compare (no figure yesterday, yesterday 0 or null, today null).
 */
export function change(today, yesterday) {
  if (!Number.isFinite(today) || !Number.isFinite(yesterday) || yesterday === 0) return { text: DASH, trend: null }
  const rel = (today - yesterday) / Math.abs(yesterday)
  const basis = Math.round(rel * 10000)
  if (basis === 0) return { text: '0.00%', trend: 'flat' }
  const text = percent(Math.abs(basis) / 10000)
  return basis > 0 ? { text: `+${text}`, trend: 'up' } : { text: `\u2212${text}`, trend: 'down' }
}

/** "2026-12-03T04:05:06Z" -> "12:05:06" (Beijing). */
export function clock(iso) {
  const t = beijingTimeSeconds(iso)
  return t === DASH ? DASH : t.slice(11)
}

/** The Beijing hour (0-23) of an instant, or null. */
export function beijingHour(iso) {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return null
  return new Date(d.getTime() + 8 * 3600 * 1000).getUTCHours()
}

/** Whole days from a to b ("YYYY-MM-DD"), b - a. */
export function daysBetween(a, b) {
  const ms = (s) => {
    const [y, m, d] = s.split('-').map(Number)
    return Date.UTC(y, m - 1, d)
  }
  return Math.round((ms(b) - ms(a)) / 86400000)
}

// The date picker works with the browser's local dates; its value (value-format YYYY-MM-DD) is the
// calendar day shown. A Beijing day is therefore given to it as the local Date of that calendar day,
// so the days it shows and sends are Beijing days, whatever the browser's zone.
export function localDate(day) {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(y, m - 1, d)
}

export function dayOfLocal(date) {
  const p = (n) => (n < 10 ? `0${n}` : String(n))
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}`
}

function monthStart(day) {
  return `${day.slice(0, 7)}-01`
}

/** The picker's shortcuts, in Beijing days (evaluated when clicked, so they follow midnight). */
export const SHORTCUTS = [
  { text: '近7天', value: () => { const t = beijingToday(); return [localDate(addDays(t, -6)), localDate(t)] } },
  { text: '近30天', value: () => { const t = beijingToday(); return [localDate(addDays(t, -29)), localDate(t)] } },
  { text: '本月', value: () => { const t = beijingToday(); return [localDate(monthStart(t)), localDate(t)] } },
  { text: '上月', value: () => {
    const lastOfPrev = addDays(monthStart(beijingToday()), -1)
    return [localDate(monthStart(lastOfPrev)), localDate(lastOfPrev)]
  } },
]

/** The dashboard's errors in words; its own range limits first (the shared map's are other routes'). */
export function dashboardError(err) {
  const code = err && err.code
  if (code === 'range_too_long') {
    const max = err.details && Number(err.details.max_days)
    return `一次最多查询 ${max || MAX_RANGE_DAYS} 天，请缩短日期范围。`
  }
  if (code === 'bad_range') return '结束日期不能早于开始日期。'
  if (code === 'permission_denied') return '您的角色不能查看数据看板。'
  if (code === 'invalid_date' || code === 'invalid_request') return '日期格式不正确，请重新选择日期。'
  return describe(err)
}

/** Totals where every counter is 0 (nothing happened yet): the page still shows zeros, with a hint. */
const COUNTERS = ['visits', 'visitors', 'product_views', 'cart_adds', 'checkout_starts', 'shares', 'orders',
  'paid_orders', 'pay_amount', 'refunds', 'refund_amount', 'new_users']
export function isEmpty(totals) {
  return !!totals && COUNTERS.every((k) => !totals[k])
}

/** An axis label for an amount in fen: "¥1,200" or "¥0.50". */
export function axisYuan(fen) {
  if (!Number.isSafeInteger(fen)) return ''
  return fen % 100 === 0 ? `${fen < 0 ? '-' : ''}¥${group(Math.abs(fen) / 100)}` : yuan(fen)
}

/** Escapes text for ECharts' HTML tooltips (labels come from the API). */
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]))
}

/** A product's page exists in the catalog area (console/src/views/catalog/routes.js: /products/:id). */
const PRODUCT_ID = /^[A-Za-z0-9_-]{1,64}$/
const RESERVED = new Set(['new', 'import']) // /products/new and /products/import are other pages
export function productLink(id) {
  return typeof id === 'string' && PRODUCT_ID.test(id) && !RESERVED.has(id) ? `/products/${id}` : null
}
