// A coupon's value and rule in the words a shopper reads: 满100减15, 8折 (最多减 ¥20), 无门槛.
import { yuan } from './money.js'

export function couponValue(c) {
  if (c.kind === 'percent') return `${c.percent % 10 === 0 ? c.percent / 10 : (c.percent / 10).toFixed(1)}折`
  return yuan(c.amount || 0)
}

export function couponRule(c) {
  const threshold = c.threshold > 0 ? `满${yuan(c.threshold).slice(1)}可用` : '无门槛'
  const cap = c.kind === 'percent' && c.max_discount ? `，最多减${yuan(c.max_discount).slice(1)}` : ''
  return `${threshold}${cap}${c.stackable ? '，可叠加' : ''}`
}

export const CLAIM_REASON = { sold_out: '已抢光', limit_reached: '已领取', new_users_only: '仅限新用户', claim_closed: '不在领取时间' }
