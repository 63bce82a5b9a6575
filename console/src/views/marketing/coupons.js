// Words for coupon templates: kind, scope, validity, claim window, state.
import { yuan, beijingTime, utcFromBeijing } from '../../utils/format.js'

export function kindLabel(t) {
  if (t.kind === 'percent') return '折扣券'
  return t.threshold ? '满减券' : '无门槛券'
}

// "¥100" for whole yuan, "¥12.50" otherwise (for short rule texts)
export function yuanShort(fen) {
  const s = yuan(fen)
  return s.endsWith('.00') ? s.slice(0, -3) : s
}

// The rule in words: the API's own description ("满100减20", "8折 最多减50") when there is one
export function ruleText(t) {
  if (t.description) return t.description
  return ruleFromFields(t)
}

export function ruleFromFields(t) {
  if (t.kind === 'percent') {
    const zhe = `${t.percent / 10}折`
    const parts = [t.threshold ? `满${yuanShort(t.threshold)}打${zhe}` : zhe]
    if (t.max_discount) parts.push(`最多减${yuanShort(t.max_discount)}`)
    return parts.join(' ')
  }
  return t.threshold ? `满${yuanShort(t.threshold)}减${yuanShort(t.amount)}` : `无门槛减${yuanShort(t.amount)}`
}

export function scopeText(scope, names = {}) {
  if (!scope || scope.type === 'all') return '全场通用'
  const label = scope.type === 'categories' ? '指定分类' : '指定商品'
  const shown = (scope.ids || []).map((id) => names[id] || id)
  if (shown.length <= 3) return `${label}：${shown.join('、')}`
  return `${label}：${shown.slice(0, 3).join('、')} 等 ${shown.length} 个`
}

export function validityText(t) {
  if (t.valid_days) return `领取后 ${t.valid_days} 天内有效`
  if (t.valid_until) {
    return t.valid_from
      ? `${beijingTime(t.valid_from)} 至 ${beijingTime(t.valid_until)}`
      : `领取后至 ${beijingTime(t.valid_until)}`
  }
  return '—'
}

export function claimWindowText(t) {
  if (!t.claimable) return '用作新人礼包或分享奖励'
  if (!t.claim_from && !t.claim_until) return '随时可领'
  if (!t.claim_from) return `即日起至 ${beijingTime(t.claim_until)}`
  if (!t.claim_until) return `${beijingTime(t.claim_from)} 起`
  return `${beijingTime(t.claim_from)} 至 ${beijingTime(t.claim_until)}`
}

const ms = (iso) => (iso ? Date.parse(iso) : null)

// {label, type} for an el-tag
export function couponState(t, now = Date.now()) {
  const validEnded = t.valid_until && ms(t.valid_until) <= now
  if (validEnded) return { key: 'expired', label: '已过期', type: 'info' }
  if (t.remaining <= 0) return { key: 'sold_out', label: '已发完', type: 'warning' }
  if (!t.claimable) return { key: 'grant', label: '发放中', type: 'success' }
  if (t.claim_from && ms(t.claim_from) > now) return { key: 'upcoming', label: '未开始', type: 'primary' }
  if (t.claim_until && ms(t.claim_until) <= now) return { key: 'stopped', label: '已停止领取', type: 'info' }
  return { key: 'running', label: '领取中', type: 'success' }
}

// "YYYY-MM-DD HH:mm" (a date-time picker's value, read as Beijing wall-clock time) -> UTC ISO
export function beijingInputToIso(text) {
  return text ? utcFromBeijing(text) : null
}

// ISO (UTC) -> "YYYY-MM-DD HH:mm" Beijing, for a picker's value
export function isoToBeijingInput(iso) {
  return iso ? beijingTime(iso) : ''
}

// A picker value compared to now: true when that Beijing time is in the past
export function beijingInputIsPast(text, now = Date.now()) {
  const iso = beijingInputToIso(text)
  return iso ? Date.parse(iso) <= now : false
}

// The API's validation messages for coupons, in words a merchant understands
const VALUE_ERRORS = [
  [/amount coupon needs amount/, '满减券要填写大于 0 的减免金额。'],
  [/percent coupon needs percent/, '折扣券要填写折扣。'],
  [/cannot take off more than its threshold/, '减免金额不能大于使用门槛（满 X 减 Y 中 Y 不能超过 X）。'],
  [/max_discount caps a percent coupon/, '“最多减”只用于折扣券，且要大于 0（不封顶请留空）。'],
  [/either valid_until .* or valid_days/, '请选择一种有效期：固定时间段，或领取后若干天。'],
  [/valid_from belongs to a fixed window/, '“领取后若干天”的券不能再设开始时间。'],
  [/valid_from must be before valid_until/, '有效期的开始时间要早于结束时间。'],
  [/claim_from must be before claim_until/, '领取开始时间要早于领取结束时间。'],
  [/between 2000 and 2100/, '时间要在 2000 年到 2100 年之间。'],
  [/ids are needed for categories\/products/, '指定分类或商品时，至少要选一个。'],
  [/give total, claim_from or claim_until/, '请至少修改一项：发放总量或领取时间。'],
]

const FIELD_LABELS = {
  name: '名称', amount: '减免金额', percent: '折扣', max_discount: '最多减', threshold: '使用门槛',
  total: '发放总量', per_user_limit: '每人限领', valid_days: '有效天数', valid_from: '有效期开始',
  valid_until: '有效期结束', claim_from: '领取开始', claim_until: '领取结束', id: '券编号', scope: '适用范围',
}

// Chinese sentences for an invalid_request's details (a list of {field, message}), or null
export function couponValidationText(err) {
  if (!err || err.code !== 'invalid_request' || !Array.isArray(err.details)) return null
  const lines = err.details.map((d) => {
    const hit = VALUE_ERRORS.find(([re]) => re.test(d.message || ''))
    if (hit) return hit[1]
    const label = FIELD_LABELS[d.field] || d.field
    return label ? `${label}填写有误。` : '有一项填写有误。'
  })
  return [...new Set(lines)].join(' ')
}
