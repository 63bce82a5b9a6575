import { addDays, beijingToday } from '../../utils/format.js'

// Words and tag colours for the order, refund and shipping states the API uses
// (layers/shop/shop/buying: orders.py, refunds.py, shipments.py; docs/orders.md, refunds.md, shipping.md).

export const ORDER_STATUS = {
  PENDING_PAYMENT: { label: '待付款', type: 'warning' },
  PAID: { label: '待发货', type: 'danger' },
  SHIPPED: { label: '已发货', type: 'primary' },
  COMPLETED: { label: '已完成', type: 'success' },
  CANCELLED: { label: '已取消', type: 'info' },
  CLOSED: { label: '已关闭', type: 'info' },
  PAYMENT_EXCEPTION: { label: '支付异常', type: 'danger' },
}

/** The status as the merchant reads it: a paid pickup order waits to be collected, not shipped. */
export function orderStatus(status, delivery, partlyShipped = false) {
  if (status === 'PAID' && delivery === 'pickup') return { label: '待自提', type: 'danger' }
  if (status === 'PAID' && partlyShipped) return { label: '部分发货', type: 'warning' }
  return ORDER_STATUS[status] || { label: status, type: 'info' }
}

// The list's status tabs: '' is every status; has_refund is the 售后 tab (orders with any refund).
export const STATUS_TABS = [
  { name: 'all', label: '全部' },
  { name: 'PENDING_PAYMENT', label: '待付款' },
  { name: 'PAID', label: '待发货' },
  { name: 'SHIPPED', label: '已发货' },
  { name: 'COMPLETED', label: '已完成' },
  { name: 'CANCELLED', label: '已取消' },
  { name: 'CLOSED', label: '已关闭' },
  { name: 'PAYMENT_EXCEPTION', label: '支付异常' },
  { name: 'refund', label: '有售后' },
]

export const DELIVERY = { express: '快递配送', pickup: '到店自提' }

export const CANCEL_REASON = {
  user: '买家取消',
  timeout: '超时未支付，系统自动取消',
  payment_mismatch: '支付金额或应用与订单不符，已自动退款',
  payment_not_applicable: '微信支付的结果无法应用到订单',
}

export const REFUND_STATUS = {
  REQUESTED: { label: '待处理', type: 'danger' },
  AWAITING_RETURN: { label: '待买家退货', type: 'warning' },
  PROCESSING: { label: '退款中', type: 'primary' },
  SUCCEEDED: { label: '已退款', type: 'success' },
  ABNORMAL: { label: '退款异常', type: 'danger' },
  CLOSED: { label: '退款关闭', type: 'info' },
  REJECTED: { label: '已拒绝', type: 'info' },
}

export function refundStatus(status) {
  return REFUND_STATUS[status] || { label: status, type: 'info' }
}

export const REFUND_KIND = { refund_only: '仅退款', return: '退货退款' }
export const REQUESTED_BY = { user: '买家申请', merchant: '商家主动退款', system: '系统自动退款' }

// WeChat Pay's refusals of a refund (refunds.md "When WeChat Pay says no, or says nothing").
const REFUND_FAILURES = {
  NOT_ENOUGH: '商户号可用余额不足（当天的收款还未结算），系统会自动重试',
  FREQUENCY_LIMITED: '向微信支付提交过于频繁，系统会自动重试',
  SYSTEM_ERROR: '微信支付系统繁忙或暂时无法连接，系统会自动重试',
  PARAM_ERROR: '微信支付认为退款参数有误，请核对后重新提交',
  INVALID_REQUEST: '微信支付拒绝了这笔退款（订单状态不允许退款，例如已超过一年或已全额退款）',
  USER_ACCOUNT_ABNORMAL: '买家的微信账户异常（已注销或被冻结），请在微信支付商户平台处理',
  MCH_NOT_EXISTS: '商户号不存在，请检查微信支付配置',
  SIGN_ERROR: '签名错误，请检查微信支付配置',
  NO_AUTH: '商户号没有退款权限，请在微信支付商户平台开通',
  RESOURCE_NOT_EXISTS: '微信支付找不到这笔订单',
  REFUND_NOTIFY: '微信支付通知退款异常，请在微信支付商户平台处理',
}

export function refundFailure(code) {
  if (!code) return ''
  return REFUND_FAILURES[code] || `微信支付拒绝了这笔退款（${code}）`
}

export const UPLOAD_STATE = {
  pending: { label: '待上传微信', type: 'warning' },
  uploaded: { label: '已上传微信', type: 'success' },
  failed: { label: '上传微信失败', type: 'danger' },
  not_required: { label: '无需上传', type: 'info' },
}

export function uploadState(upload) {
  if (!upload || !upload.state) return null
  const known = UPLOAD_STATE[upload.state] || { label: upload.state, type: 'info' }
  if (upload.state === 'uploaded' && upload.finished) return { label: '微信已收到全部发货', type: 'success' }
  if (upload.state === 'uploaded') return { label: '已上传微信（部分发货）', type: 'success' }
  return known
}

export const LOGISTICS = { express: '快递', same_city: '同城配送', virtual: '虚拟商品', pickup: '用户自提' }

export const ISSUE_KIND = {
  upload_failed: { label: '发货信息上传失败', type: 'danger' },
  remind_shipping: { label: '微信催发货', type: 'warning' },
}

// Timeline event kinds (docs/order-desk.md), with a colour for the dot.
export const EVENT = {
  placed: { label: '下单', type: 'primary' },
  paid: { label: '支付', type: 'success' },
  shipped: { label: '发货', type: 'primary' },
  tracking_changed: { label: '改运单号', type: 'warning' },
  refund_requested: { label: '申请退款', type: 'warning' },
  refund_approved: { label: '同意退款', type: 'primary' },
  refund_returned: { label: '收到退货', type: 'primary' },
  refund_succeeded: { label: '退款成功', type: 'success' },
  refund_failed: { label: '退款异常', type: 'danger' },
  refund_closed: { label: '退款关闭', type: 'info' },
  refund_rejected: { label: '拒绝退款', type: 'info' },
  completed: { label: '完成', type: 'success' },
  cancelled: { label: '取消', type: 'info' },
  late_payment: { label: '迟到的付款', type: 'danger' },
  closed: { label: '关闭', type: 'info' },
  remark: { label: '商家备注', type: 'info' },
}

export function who(by) {
  if (!by) return ''
  if (by === 'buyer') return '买家'
  if (by === 'system') return '系统'
  return by
}

/** "颜色：白色 / 尺码：M" from a line's specs. */
export function specText(specs) {
  return Object.entries(specs || {}).map(([k, v]) => `${k}：${v}`).join(' / ')
}

/** "138****8000" - the delivery phone for a role that may not see contact details. */
export function maskPhone(phone) {
  if (!phone) return ''
  return phone.length >= 8 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : `****${phone.slice(-4)}`
}

export function fullAddress(a) {
  if (!a) return ''
  const area = a.province === a.city ? `${a.province}${a.district}` : `${a.province}${a.city}${a.district}`
  return `${area} ${a.detail}`
}

/** Units of each SKU already in a parcel (the order's shipments). */
export function shippedUnits(order) {
  const out = {}
  for (const s of order.shipments || []) {
    for (const l of s.lines || []) out[l.sku_id] = (out[l.sku_id] || 0) + Number(l.quantity)
  }
  return out
}

/** Units still to ship per SKU, as the API counts them: not refunded (nor in a refund request), not in a parcel. */
export function unshippedUnits(order) {
  const shipped = shippedUnits(order)
  const out = {}
  for (const l of order.lines || []) out[l.sku_id] = Math.max(0, l.refundable_quantity - (shipped[l.sku_id] || 0))
  return out
}

/** The parcel's lines as "标题 规格 ×N" using the order's lines. */
export function parcelLines(order, lines) {
  const bySku = Object.fromEntries((order.lines || []).map((l) => [l.sku_id, l]))
  return (lines || []).map((l) => {
    const line = bySku[l.sku_id]
    return { sku_id: l.sku_id, title: line ? line.title : l.sku_id, specs: line ? specText(line.specs) : '', quantity: l.quantity }
  })
}

/** Shortcuts of the date-range pickers, in Beijing days. */
export function dateShortcuts() {
  const today = () => beijingToday()
  return [
    { text: '今天', value: () => [today(), today()] },
    { text: '昨天', value: () => [addDays(today(), -1), addDays(today(), -1)] },
    { text: '最近 7 天', value: () => [addDays(today(), -6), today()] },
    { text: '最近 30 天', value: () => [addDays(today(), -29), today()] },
    { text: '最近 92 天', value: () => [addDays(today(), -91), today()] },
  ]
}
