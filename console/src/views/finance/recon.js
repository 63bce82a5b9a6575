// Words for reconciliation reports: statuses, differences, errors.
import { beijingToday, addDays } from '../../utils/format.js'

// Before 10:00 Beijing, yesterday's bill is not out yet
export function beijingHour(now = Date.now()) {
  return new Date(now + 8 * 3600 * 1000).getUTCHours()
}

export function billExpected(day, now = Date.now()) {
  const yesterday = addDays(beijingToday(), -1)
  return !(day === yesterday && beijingHour(now) < 10)
}

// Whether a day may be re-run: finished (before today, Beijing) and at most 90 days back
// (the API answers day_not_over / day_too_old otherwise).
export function runnable(day) {
  const today = beijingToday()
  return day < today && day >= addDays(today, -90)
}

export function statusOf(r, now = Date.now()) {
  switch (r.status) {
    case 'clean': return { label: '账平', type: 'success', text: '两边一致' }
    case 'differences': return { label: '有差异', type: 'danger', text: `${r.differences_count || 0} 处差异` }
    case 'error': return { label: '对账出错', type: 'warning', text: errorText(r.error_code) }
    default:
      if (!billExpected(r.day, now)) return { label: '账单未出', type: 'info', text: '微信支付在北京时间 10:00 后生成昨天的账单' }
      return r.version
        ? { label: '账单未出', type: 'info', text: '上次对账时微信支付还没有生成账单' }
        : { label: '未对账', type: 'info', text: '系统每小时自动对账；也可以手动对账' }
  }
}

const ERRORS = {
  bill_hash_mismatch: '下载的账单与微信支付公布的摘要不一致，账单不可信，未据此对账。',
  bill_inconsistent: '账单的汇总行与明细对不上，账单不可用。',
  bill_unreadable: '账单文件无法读取。',
  bill_download_failed: '账单下载失败。',
  wechatpay_refused: '微信支付拒绝了账单请求（请检查商户号和证书配置）。',
  wechatpay_unavailable: '暂时无法连接微信支付。',
  wechatpay_error: '微信支付返回了异常结果。',
  upstream_error: '微信支付返回了异常结果。',
}

export function errorText(code) {
  return ERRORS[code] || (code ? `对账出错（${code}）` : '对账出错')
}

export const DIFF_KINDS = {
  payment_missing_in_shop: {
    label: '商城缺少这笔收款', type: 'danger',
    explain: '微信支付收到了一笔钱，商城没有对应的付款记录。',
    action: '在微信支付商户平台查询这笔交易；属于某个订单时在订单详情里同步支付状态，否则在商户平台退款给买家。',
  },
  payment_missing_at_wechat: {
    label: '微信账单没有这笔收款', type: 'danger',
    explain: '商城记录了一笔付款，微信支付的账单里没有。',
    action: '正常情况下不会出现（商城只在核实微信支付的签名通知后才记账），请保留记录并联系技术支持。',
  },
  payment_amount_mismatch: {
    label: '收款金额不一致', type: 'danger',
    explain: '两边都有这笔付款，但金额不同。',
    action: '正常情况下不会出现，请保留记录并联系技术支持。',
  },
  refund_missing_in_shop: {
    label: '商城缺少这笔退款', type: 'danger',
    explain: '微信支付的账单里有一笔退款，商城不知道。',
    action: '在微信支付商户平台查询这笔退款是谁发起的。',
  },
  refund_missing_at_wechat: {
    label: '微信账单没有这笔退款', type: 'warning',
    explain: '商城已提交这笔退款，微信支付当天的账单里没有。',
    action: '在微信支付商户平台“查询单笔退款”确认退款状态；商城也会自动向微信支付查询未完成的退款。',
  },
  refund_amount_mismatch: {
    label: '退款金额不一致', type: 'danger',
    explain: '两边都有这笔退款，但金额不同。',
    action: '正常情况下不会出现，请保留记录并联系技术支持。',
  },
  refund_not_settled: {
    label: '退款状态不一致', type: 'warning',
    explain: '账单显示退款成功而商城还没记为成功（可能漏了通知），或商城记为成功而账单显示退款关闭或异常。',
    action: '在微信支付商户平台“查询单笔退款”核实；商城会自动查询未完成的退款。',
  },
  unexpected_row: {
    label: '无法识别的账单记录', type: 'warning',
    explain: '账单里有一条商城不会产生的交易状态（如已撤销）。',
    action: '在微信支付商户平台查看这笔交易的详情。',
  },
}

export function diffKind(kind) {
  return DIFF_KINDS[kind] || { label: kind, type: 'info', explain: '', action: '' }
}

const WECHAT_STATES = { SUCCESS: '成功', PROCESSING: '处理中', REFUNDCLOSE: '退款关闭', CLOSED: '退款关闭', CHANGE: '退款异常', ABNORMAL: '退款异常', REVOKED: '已撤销' }
const SHOP_STATES = {
  REQUESTED: '待审核', AWAITING_RETURN: '待退货', PROCESSING: '退款中', ABNORMAL: '退款异常',
  SUCCEEDED: '退款成功', REJECTED: '已拒绝', CLOSED: '已关闭',
}
export const wechatState = (s) => (s ? WECHAT_STATES[s] || s : '')
export const shopState = (s) => (s ? SHOP_STATES[s] || s : '')

export function runByText(by) {
  if (!by) return ''
  return by === 'system:reconciliation' ? '系统自动' : by
}

// Words for a failed run (POST .../run)
export function runErrorText(err, describe) {
  const c = err && err.code
  if (c === 'bill_not_ready') return '微信支付还没有生成这一天的账单：前一天的账单在北京时间次日 10:00 后才能下载，请 10:00 以后再对账。'
  if (c === 'day_not_over') return '只能对已经结束的日子对账（北京时间），今天的账单明天 10:00 后才有。'
  if (c === 'day_too_old') return '微信支付只保留最近 90 天的账单，更早的日子不能再对账。'
  if (c === 'reconciliation_changed') return '这一天刚刚被另一次对账更新了，请刷新后查看最新结果。'
  if (c === 'wechatpay_unavailable') return '暂时无法连接微信支付，请稍后再试。'
  return describe(err)
}
