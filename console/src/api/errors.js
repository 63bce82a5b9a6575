// @ts-check
// Errors from the API in words a merchant understands.
//
// The API answers errors as {"error": {"code", "message", "details"}}. Most messages are already
// Chinese, some (for developers) are English; the console shows the sentence from MESSAGES for a
// known code, else the API's own message when it is Chinese, else a sentence for the HTTP status.
// Never a raw JSON dump.
//
// Type-checked (tsc -p ., console/tsconfig.json): the keys of MESSAGES must be codes the API answers
// (ErrorCode, the union generated from docs/openapi.json) or codes the console makes itself
// (ClientErrorCode).

/** @typedef {import('./openapi.ts').ErrorCode} ErrorCode */

/**
 * Codes the console makes itself, never answered by the API: a failed fetch, an answer that is not
 * JSON, no refresh cookie, an S3 upload refused or aborted, an error answer without the error shape
 * (`http_<status>`), and ApiError's default.
 * @typedef {'network_error' | 'bad_answer' | 'not_signed_in' | 'aborted' | 'upload_failed' | 'upload_too_large'
 *   | 'upload_expired' | 'upload_type' | `http_${number}` | 'unknown'} ClientErrorCode
 */

/** @typedef {ErrorCode | ClientErrorCode} Code */

/**
 * What MESSAGES says for a code: a sentence, a function of the error's `details` making one (an
 * empty answer falls back as for an unknown code), or null for "the API's own sentence".
 * @typedef {string | null | ((details: any) => string)} Message
 */

const CJK = /[\u3400-\u9fff]/

/**
 * code -> Chinese sentence; a function gets the error's `details`.
 * @type {Partial<Record<Code, Message>>}
 */
export const MESSAGES = {
  // signing in and sessions
  invalid_credentials: '账号或密码错误。',
  second_factor_required: '请输入动态口令（身份验证器 App 中的 6 位数字）。',
  second_factor_setup_required: '店主和财务必须启用动态口令：请用身份验证器 App 扫码，再输入 6 位动态口令。',
  invalid_totp_code: '动态口令错误或已使用过，请等下一个口令再试。',
  account_disabled: '该员工账号已停用，请联系店主。',
  account_locked: '账号因多次登录失败已锁定，请联系店主解锁。',
  too_many_attempts: (d) => (d && d.retry_after
    ? `尝试次数过多，请 ${waitText(d.retry_after)}后再试。`
    : '尝试次数过多，请稍后再试。'),
  rate_limited: '操作太频繁，请稍等一分钟再试。',
  invalid_refresh_token: '登录已失效，请重新登录。',
  refresh_token_reused: '登录凭证已被使用过，为安全起见该设备已退出登录，请重新登录。',
  session_expired: '登录已过期，请重新登录。',
  invalid_token: '登录已失效，请重新登录。',
  token_expired: '登录已过期，请重新登录。',
  unauthorized: '请先登录。',
  not_staff: '这个微信没有绑定员工账号，请让店主发送邀请。',
  second_factor_already_enabled: '已经启用了动态口令。',
  session_not_found: '没有这个登录设备（可能已退出）。',
  permission_denied: (d) => (d && d.role ? '您的角色没有这项权限。' : '没有这项权限。'),
  forbidden: '没有这项操作的权限。',
  weak_password: null, // the API's own sentence says what is wrong with the password

  // staff and invitations
  staff_not_found: '没有这个员工账号。',
  staff_changed: '这个员工账号刚被别人修改过，请刷新后重试。',
  account_not_locked: '这个账号没有被锁定。',
  cannot_change_self: '不能修改自己的角色或停用自己；请另一位店主操作。',
  not_an_active_owner: '只有在职的店主可以修改员工（您的角色或状态刚刚被修改）。',
  nothing_to_change: '没有要修改的内容。',
  invite_not_found: '邀请码无效。',
  invite_used: '这个邀请码已经使用过。',
  invite_withdrawn: '这个邀请已被店主撤回。',
  invite_expired: '这个邀请已过期，请店主重新邀请。',
  invite_not_pending: '这个邀请已被接受、撤回或已过期。',
  wrong_invite_channel: '这个邀请需要通过另一种方式接受。',
  wechat_invite_for_verifiers_only: '微信绑定邀请只用于核销员；其他角色请用后台账号邀请。',
  wechat_already_bound: '这个微信已绑定了另一个员工账号。',
  name_taken: '这个名称已被使用，请换一个。',
  owner_exists: '店主账号已经创建过了。',
  merchant_not_found: '没有这个账号。',

  // lists, filters, dates
  invalid_cursor: '列表已变化，请刷新后重新查看。',
  invalid_date: '日期格式不正确。',
  invalid_day: '日期格式不正确。',
  invalid_date_range: '开始日期不能晚于结束日期。',
  invalid_range: '结束日期不能早于开始日期。',
  date_range_too_long: (d) => (d && d.max_days ? `一次最多查询 ${d.max_days} 天。` : '查询的日期范围太长，请缩短后再试。'),
  range_too_long: (d) => (d && d.max_days ? `一次最多查询 ${d.max_days} 天，请缩短日期范围。` : '查询的日期范围太长，请缩短后再试。'),
  bad_range: '结束日期不能早于开始日期。',
  invalid_target_filter: '按对象查询时，对象类型和对象编号需要一起填写。',

  // catalog, stock, uploads
  product_not_found: '商品不存在。',
  product_exists: '商品编号已存在。',
  sku_not_found: '商品规格不存在。',
  sku_code_taken: '规格编码已被其他商品使用。',
  invalid_sku_id: '规格编号格式不正确。',
  category_not_found: '分类不存在。',
  category_exists: '分类编号已存在。',
  category_changed: '分类刚被他人修改，请刷新后重试。',
  invalid_category_order: '分类排序有误，请刷新后重试。',
  too_many_categories: '分类最多 99 个。',
  version_conflict: '商品已被他人修改，请刷新后再保存。',
  stale_version: '设置已被他人修改，请刷新后再保存。',
  product_save_too_large: '这次保存涉及的规格太多：请先删去部分规格保存一次，再添加新规格。',
  insufficient_stock: null,
  stock_busy: '库存正在被订单频繁变动，请稍后重试。',
  invalid_csv: null,
  file_too_large: null,
  upload_conflict: '上传编号冲突，请重试。',
  upload_failed: '文件上传失败，请重试。',
  upload_too_large: '文件太大，上传被拒绝。',
  upload_expired: '上传链接已过期，请重新选择文件上传。',
  upload_type: '文件类型不符合要求。',

  // orders, shipping, pickup
  order_not_found: '订单不存在。',
  order_changed: '订单刚刚发生了变化，请刷新后重试。',
  order_not_shippable: '只有已支付的订单可以发货。',
  order_not_changeable: '订单已完成或关闭，不能再改运单号。',
  nothing_to_ship: '这个订单没有待发货的商品。',
  carrier_required: '快递发货要填快递公司和运单号。',
  unknown_carrier: '快递公司不在微信的快递公司列表中。',
  invalid_parcels: null,
  too_many_parcels: null,
  split_only_express: '只有快递可以分多个包裹发货。',
  quantity_exceeds_unshipped: '包裹里的件数超过了待发货的件数。',
  unknown_line: '包裹里有不属于这个订单的商品。',
  line_not_in_order: null,
  shipment_not_found: '这个订单没有这个包裹。',
  not_express: '只有快递包裹有运单号。',
  reship_used: '微信只允许修改一次发货信息，这个订单已经改过了。',
  export_not_found: '导出任务不存在或已过期。',
  pickup_code_not_found: '提货码无效。',
  pickup_code_used: '该提货码已核销。',
  pickup_attempts_exceeded: null,
  pickup_not_ready: null,
  pickup_store_not_found: '自提门店不存在。',
  pickup_store_required: '请选择自提门店。',
  not_store_verifier: '您不是本门店的核销员。',
  wrong_store: '该提货码不属于本门店的订单。',
  not_pickup_order: '这不是到店自提的订单。',
  nothing_to_pick_up: '该订单的商品都已退款。',
  order_not_pickable: '该订单已不能自提（已取消、已退款或已完成）。',
  too_many_stores: null,

  // refunds
  refund_not_found: '退款单不存在。',
  refund_not_pending: '这笔退款已处理过。',
  refund_not_allowed: '该订单不能退款。',
  refund_not_awaiting_return: '这笔退款不是等待退货的状态。',
  refund_exceeds_order: null,
  refund_in_progress: '该订单有进行中的退款。',
  nothing_to_refund: '这笔订单的商品都已退款或已申请退款。',
  after_sales_closed: null,

  // marketing, customers, settings, reconciliation
  coupon_not_found: '优惠券不存在。',
  template_exists: '这个优惠券编号已存在，请换一个。',
  coupon_template_claimable: '新人礼包和分享奖励只能使用“不可领取”的优惠券模板。',
  unknown_coupon_template: '有优惠券模板不存在，请检查后再保存。',
  total_below_issued: '发放总量不能少于已经发出的数量。',
  invalid_claim_window: '领取开始时间必须早于结束时间。',
  unknown_scope_ids: '适用范围里有不存在的商品或分类。',
  customer_not_found: '客户不存在。',
  user_not_found: '用户不存在。',
  day_not_over: '只能对已经结束的日子对账（北京时间），今天和以后的日子还没有账单。',
  day_too_old: null,
  reconciliation_changed: '这一天的对账刚刚被另一次运行更新了，请刷新后查看。',
  invalid_keyword_mapping: (d) => (d && Array.isArray(d.problems) && d.problems.length
    ? `有 ${d.problems.length} 个模板关键词和填入的内容不匹配，请按关键词下方的提示修改。`
    : '模板关键词和填入的内容不匹配，请检查后再保存。'),
  invalid_subscribe_page: '跳转页面无效：请填写小程序的页面路径（可带参数），大括号只能用于这个消息提供的占位符，如 {order_id}。',
  subscribe_event_not_found: '没有这种订阅消息，请刷新页面后重试。',

  // WeChat and payments
  wechat_unavailable: '暂时无法连接微信，请稍后再试。',
  wechat_busy: '微信繁忙，请稍后再试。',
  wechat_error: '微信接口返回了异常结果，请检查店铺的微信设置或稍后再试。',
  wechatpay_unavailable: '暂时无法连接微信支付，请稍后再试。',
  wechatpay_error: '微信支付返回了异常结果，请稍后再试。',
  wechatpay_unverified: '微信支付的应答无法验证，请稍后再试。',

  // generic
  invalid_request: (d) => invalidFields(d),
  malformed_json: '提交的内容格式有误，请刷新页面后重试。',
  route_not_found: '后台暂不支持这项操作（接口不存在）。',
  not_found: '要找的内容不存在。',
  conflict: '内容刚刚发生了变化，请刷新后重试。',
  payload_too_large: '提交的内容太大。',
  unsupported_media_type: '提交的内容格式有误。',
  too_many_requests: '操作太频繁，请稍后再试。',
  upstream_error: '外部服务暂时异常，请稍后再试。',
  service_unavailable: '服务繁忙，请稍后再试。',
  internal_error: '服务器出错了，我们已记录，请稍后再试。',
  network_error: '网络连接失败，请检查网络后重试。',
}

/**
 * HTTP status -> sentence, when the code is unknown and the API's message is not Chinese.
 * @type {Record<number, string>}
 */
const BY_STATUS = {
  400: '提交的内容有误，请检查后重试。',
  401: '登录已失效，请重新登录。',
  403: '没有这项操作的权限。',
  404: '要找的内容不存在。',
  409: '内容刚刚发生了变化，请刷新后重试。',
  413: '提交的内容太大。',
  429: '操作太频繁，请稍后再试。',
  500: '服务器出错了，请稍后再试。',
  502: '外部服务暂时异常，请稍后再试。',
  503: '服务繁忙，请稍后再试。',
  504: '服务器响应超时，请稍后再试。',
}

/**
 * Field names of request bodies and queries, for "which field is wrong".
 * @type {Record<string, string | undefined>}
 */
const FIELD_LABELS = {
  name: '账号', password: '密码', totp: '动态口令', code: '动态口令', role: '角色',
  display_name: '显示名称', status: '状态', channel: '方式', limit: '每页条数', cursor: '分页位置',
  from: '开始日期', to: '结束日期', actor: '操作人', action: '操作', target_type: '对象类型',
  target_id: '对象编号', title: '标题', price: '价格', stock: '库存', phone: '电话',
  template_id: '模板 ID', page: '跳转页面', keywords: '模板关键词', enabled: '启用',
}

/**
 * The sentence for invalid_request: which fields are wrong (details: [{field, message}, ...]).
 * @param {unknown} details
 * @returns {string}
 */
function invalidFields(details) {
  if (!Array.isArray(details) || !details.length) return '提交的内容有误，请检查后重试。'
  /** @type {string[]} */
  const names = []
  for (const d of details) {
    const field = d && d.field ? String(d.field) : ''
    const last = field.split('.').filter((p) => !/^\d+$/.test(p)).pop() || ''
    const label = FIELD_LABELS[last] || last
    if (label && !names.includes(label)) names.push(label)
  }
  return names.length ? `以下内容不符合要求：${names.join('、')}。` : '提交的内容有误，请检查后重试。'
}

/**
 * Seconds -> "30 秒" / "2 分钟" / "1 分 30 秒".
 * @param {number | string | null | undefined} seconds
 * @returns {string}
 */
export function waitText(seconds) {
  const s = Math.max(1, Math.ceil(Number(seconds) || 0))
  if (s < 60) return `${s} 秒`
  const m = Math.floor(s / 60)
  const r = s % 60
  return r ? `${m} 分 ${r} 秒` : `${m} 分钟`
}

/**
 * @typedef {object} ApiErrorInit
 * @property {number} [status] the HTTP status; 0 when no answer came (network, aborted)
 * @property {Code} [code]
 * @property {string} [message] the Chinese sentence to show
 * @property {any} [details] the answer's error.details (its shape depends on the code), or null
 * @property {string} [serverMessage] the API's own error.message
 */

/** An error of the API (or of an upload); `message` is the Chinese sentence to show. */
export class ApiError extends Error {
  /** @param {ApiErrorInit} [init] */
  constructor({ status = 0, code = 'unknown', message = '', details = null, serverMessage = '' } = {}) {
    super(message)
    this.name = 'ApiError'
    /** @type {number} */
    this.status = status
    /** @type {Code} */
    this.code = code
    /** @type {any} */
    this.details = details
    /** @type {string} */
    this.serverMessage = serverMessage
  }
}

/**
 * The Chinese sentence for an API error answer (status, code, the API's message, details).
 * @param {number} status
 * @param {string} code any code: one MESSAGES does not know falls back on the API's message or the status
 * @param {string} [serverMessage]
 * @param {unknown} [details]
 * @returns {string}
 */
export function messageFor(status, code, serverMessage, details) {
  /** @type {Record<string, Message | undefined>} */
  const messages = MESSAGES
  const known = Object.prototype.hasOwnProperty.call(messages, code) ? messages[code] : undefined
  if (typeof known === 'function') {
    const text = known(details)
    if (text) return text
  } else if (typeof known === 'string') {
    return known
  }
  if (serverMessage && CJK.test(serverMessage)) return serverMessage
  return BY_STATUS[status] || (status >= 500 ? BY_STATUS[500] : '操作失败，请稍后重试。')
}

/**
 * A Chinese sentence for any error: an ApiError, a network failure, anything else.
 * @param {unknown} err
 * @returns {string}
 */
export function describe(err) {
  if (!err) return '操作失败，请稍后重试。'
  if (err instanceof ApiError) return err.message || messageFor(err.status, err.code, err.serverMessage, err.details)
  if (typeof err === 'string') return CJK.test(err) ? err : '操作失败，请稍后重试。'
  const { name, message } = /** @type {{ name?: unknown, message?: unknown }} */ (err)
  if (name === 'AbortError') return '操作已取消。'
  if (err instanceof TypeError) return /** @type {string} */ (MESSAGES.network_error) // fetch() rejects with a TypeError offline
  if (typeof message === 'string' && CJK.test(message)) return message
  return '操作失败，请稍后重试。'
}
