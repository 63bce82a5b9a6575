// Words and checks of the 订阅消息 page (SubscribeMessages.vue): WeChat's keyword types, the events'
// descriptions in Chinese, the API's invalid_keyword_mapping problems as sentences, and the same
// format checks the API makes (shop/messaging/models.py, events.py; docs/messages.md).

/** WeChat's keyword types (the prefix of a keyword: thing1 is a thing) and what each holds. */
export const KEYWORD_TYPES = {
  thing: { label: '事物', rule: '20 个字以内，过长会被截断' },
  number: { label: '数字', rule: '32 位以内的数字，可带小数点' },
  letter: { label: '字母', rule: '32 个以内的英文字母' },
  symbol: { label: '符号', rule: '5 个以内的符号' },
  character_string: { label: '字符串', rule: '32 位以内的数字、字母和符号，不能有汉字' },
  time: { label: '时间', rule: '24 小时制时间，可带日期' },
  date: { label: '日期', rule: '日期，可带时间' },
  amount: { label: '金额', rule: '金额，可带货币符号' },
  phone_number: { label: '电话', rule: '17 位以内的数字和符号' },
  car_number: { label: '车牌', rule: '8 位以内' },
  name: { label: '姓名', rule: '10 个汉字以内' },
  phrase: { label: '汉字', rule: '5 个汉字以内' },
  enum: { label: '枚举值', rule: '只有模板知道它的取值，店铺的内容都不能填入' },
}

/** The events in the merchant's words (the API's description is for developers). */
export const EVENT_TEXT = {
  order_shipped: '订单（第一个包裹）发货时通知买家，买家付款时会被询问是否接收。',
  refund_result: '退款申请退款成功、被商家拒绝或关闭时通知买家，买家申请退款时会被询问是否接收。',
}

// as the API checks them (shop/messaging/models.py)
export const TEMPLATE_ID = /^[A-Za-z0-9_-]{1,64}$/
const KEYWORD_KEY = /^[a-z]+(?:_[a-z]+)*[0-9]{1,3}$/
const PAGE = /^\/?[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_.-]+)*(?:\?[A-Za-z0-9_.~%=&{}-]*)?$/
export const MAX_KEYWORDS = 10

/** The type of a keyword (`character_string2` -> `character_string`), or '' when it has none. */
export function keywordType(key) {
  const m = /^([a-z]+(?:_[a-z]+)*)[0-9]+$/.exec(key || '')
  return m && KEYWORD_TYPES[m[1]] ? m[1] : ''
}

/** `thing（事物）` */
export function typeText(kind) {
  return KEYWORD_TYPES[kind] ? `${kind}（${KEYWORD_TYPES[kind].label}）` : kind
}

/** What is wrong with a keyword's name as typed, or ''. */
export function keywordProblem(key) {
  if (!key) return '请填写模板的关键词，如 thing1'
  if (!KEYWORD_KEY.test(key)) return '关键词是小写的类型名加数字，如 thing1、character_string2（从模板详情里复制）'
  if (!keywordType(key)) return `${key} 不是微信订阅消息的关键词类型（如 thing、character_string、time、amount）`
  return ''
}

/** What is wrong with the page as typed ('' when it is fine or empty). */
export function pageProblem(page, event) {
  const p = (page || '').trim()
  if (!p) return ''
  if (p.length > 200 || !PAGE.test(p)) return '请填写小程序的页面路径，可带参数，如 pages/order/detail?id={order_id}'
  const names = [...p.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1])
  const rest = p.replace(/\{[^{}]*\}/g, '')
  if (rest.includes('{') || rest.includes('}')) return '大括号只能成对出现在占位符两边，如 {order_id}'
  const allowed = (event.values || []).filter((v) => v.page_placeholder).map((v) => v.name)
  const unknown = names.find((n) => !allowed.includes(n))
  if (unknown !== undefined) {
    return allowed.length ? `页面里只能使用 ${allowed.map((n) => `{${n}}`).join('、')}，不能使用 {${unknown}}` : '这个消息的页面不能带占位符'
  }
  return ''
}

/**
 * One problem of the API's invalid_keyword_mapping ({keyword, value, reason, fits?, values?}) as a
 * sentence, with the event's values for their labels.
 */
export function problemText(problem, values) {
  const value = (values || []).find((v) => v.name === problem.value)
  const name = value ? `“${value.label}”` : `“${problem.value}”`
  if (Array.isArray(problem.fits) && problem.fits.length) {
    const kind = KEYWORD_TYPES[keywordType(problem.keyword)]
    const fits = problem.fits.map(typeText).join('或')
    return `${name}只能填入 ${fits}类型的关键词，不能填入 ${problem.keyword}${kind ? `（${kind.label}类型）` : ''}。`
  }
  if (Array.isArray(problem.values)) return `${name}不是这个消息可用的内容，请重新选择。`
  if (/known type/.test(problem.reason || '')) return keywordProblem(problem.keyword) || `${problem.keyword} 不是微信订阅消息的关键词类型。`
  return `${name}的内容不符合 ${typeText(keywordType(problem.keyword))} 类型关键词的规则，请换一个关键词。`
}
