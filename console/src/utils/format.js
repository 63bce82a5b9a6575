// Money and time, as merchants read them.
//
// Money: the API speaks integer fen; the console shows yuan. Only integer arithmetic is used,
// and typed amounts are parsed from the string ("12.3" -> 1230), never through a float.
// Time: the API speaks ISO UTC; the console shows Beijing time (UTC+8, no daylight saving since
// 1991), whatever the browser's own zone, by shifting the instant 8 hours and reading it as UTC.

const BEIJING_OFFSET_MS = 8 * 3600 * 1000
const DASH = '—'

function isFen(v) {
  return typeof v === 'number' ? Number.isSafeInteger(v) : typeof v === 'string' && /^-?\d+$/.test(v)
}

function splitFen(fen) {
  const n = typeof fen === 'number' ? fen : Number(fen)
  const negative = n < 0
  const abs = Math.abs(n)
  const whole = Math.floor(abs / 100)
  const cents = abs % 100
  return { negative, whole, cents: cents < 10 ? `0${cents}` : String(cents) }
}

function group(digits) {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}

/** 1234 -> "¥12.34"; 123456789 -> "¥1,234,567.89"; -50 -> "-¥0.50"; null -> "—". */
export function yuan(fen) {
  if (!isFen(fen)) return DASH
  const { negative, whole, cents } = splitFen(fen)
  return `${negative ? '-' : ''}¥${group(String(whole))}.${cents}`
}

/** 1234 -> "12.34" (no symbol, no grouping: for inputs and CSV-like text); null -> "". */
export function yuanPlain(fen) {
  if (!isFen(fen)) return ''
  const { negative, whole, cents } = splitFen(fen)
  return `${negative ? '-' : ''}${whole}.${cents}`
}

const FULL_WIDTH = /[\uff10-\uff19\uff0e]/g

/**
 * A typed amount in yuan -> integer fen, or null when it is not a valid amount.
 * Accepts "12", "12.3", "12.34", "12.", " ¥1,234.50 " (grouping commas in the right places),
 * full-width digits and point; at most 2 decimals; not negative; at most 9,999,999,999.99.
 */
export function fenFromYuan(text) {
  if (text === null || text === undefined) return null
  let s = String(text).replace(FULL_WIDTH, (c) => (c === '\uff0e' ? '.' : String(c.charCodeAt(0) - 0xff10))).trim()
  s = s.replace(/^[¥￥]\s*/, '')
  if (/,/.test(s)) {
    if (!/^\d{1,3}(,\d{3})+(\.\d*)?$/.test(s)) return null
    s = s.replace(/,/g, '')
  }
  const m = /^(\d{1,10})(?:\.(\d{0,2}))?$/.exec(s) || /^()\.(\d{1,2})$/.exec(s)
  if (!m) return null
  const whole = m[1] ? parseInt(m[1], 10) : 0
  const dec = (m[2] || '').padEnd(2, '0')
  return whole * 100 + parseInt(dec, 10)
}

function parse(iso) {
  if (iso === null || iso === undefined || iso === '') return null
  const d = iso instanceof Date ? iso : new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

function pad(n) {
  return n < 10 ? `0${n}` : String(n)
}

function beijingParts(date) {
  const b = new Date(date.getTime() + BEIJING_OFFSET_MS)
  return {
    y: b.getUTCFullYear(), mo: pad(b.getUTCMonth() + 1), d: pad(b.getUTCDate()),
    h: pad(b.getUTCHours()), mi: pad(b.getUTCMinutes()), s: pad(b.getUTCSeconds()),
  }
}

/** ISO UTC -> "2026-12-03 15:04" in Beijing time; invalid/empty -> "—". */
export function beijingTime(iso) {
  const date = parse(iso)
  if (!date) return DASH
  const p = beijingParts(date)
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}`
}

/** ISO UTC -> "2026-12-03 15:04:05" in Beijing time (when seconds matter, e.g. the audit log). */
export function beijingTimeSeconds(iso) {
  const date = parse(iso)
  if (!date) return DASH
  const p = beijingParts(date)
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`
}

/** ISO UTC -> "2026-12-03", the Beijing day of that instant; invalid/empty -> "—". */
export function beijingDate(iso) {
  const date = parse(iso)
  if (!date) return DASH
  const p = beijingParts(date)
  return `${p.y}-${p.mo}-${p.d}`
}

/** Today's date in Beijing, "YYYY-MM-DD". */
export function beijingToday() {
  return beijingDate(new Date())
}

/** "2026-12-03" plus n days (negative: earlier) -> "YYYY-MM-DD" (calendar arithmetic, no zone). */
export function addDays(day, n) {
  const [y, m, d] = day.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d + n))
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`
}

function validDay(day) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day || '')) return false
  const [y, m, d] = day.split('-').map(Number)
  const t = new Date(Date.UTC(y, m - 1, d))
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/**
 * A Beijing day "2026-12-03" -> {from: "2026-12-02T16:00:00Z", to: "2026-12-03T15:59:59Z"}:
 * the first and the last second of that day, as UTC ISO strings (both included).
 */
export function beijingDayRangeToUtc(day) {
  if (!validDay(day)) throw new RangeError(`not a day: ${day}`)
  const prev = addDays(day, -1)
  return { from: `${prev}T16:00:00Z`, to: `${day}T15:59:59Z` }
}

/** Beijing wall time "2026-12-03 15:04" (or with ":05", or a "T") -> UTC ISO "2026-12-03T07:04:00Z"; invalid -> null. */
export function utcFromBeijing(text) {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(String(text || '').trim())
  if (!m || !validDay(m[1])) return null
  const [y, mo, d] = m[1].split('-').map(Number)
  const ms = Date.UTC(y, mo - 1, d, Number(m[2]), Number(m[3]), Number(m[4] || 0)) - BEIJING_OFFSET_MS
  return new Date(ms).toISOString().replace('.000Z', 'Z')
}
