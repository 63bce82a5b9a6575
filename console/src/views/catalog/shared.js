// Helpers shared by the catalog pages (商品): labels, the SKU matrix, API validation details.

export const STATUS = {
  on_sale: { label: '出售中', type: 'success' },
  off_shelf: { label: '已下架', type: 'info' },
  deleted: { label: '已删除', type: 'danger' },
}

export const LEDGER_KINDS = {
  set: '设置库存',
  adjust: '增减库存',
  order: '下单占用',
  cancel: '取消释放',
  return: '退货入库',
  refund: '退款回库',
  import: 'CSV 导入',
}

export const STOCK_REASONS = ['到货入库', '盘点', '损耗', '退货入库', '活动备货']

// Spec names and values: 1-20 characters, none of ; : | = (the CSV format uses them).
const SPEC_RESERVED = /[;:|=]/
export function specTextProblem(text) {
  if (!text) return '不能为空'
  if ([...text].length > 20) return '最多 20 个字'
  if (SPEC_RESERVED.test(text)) return '不能含 ; : | ='
  return null
}

export const SKU_CODE = /^[A-Za-z0-9._-]{1,32}$/
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/
export const MAX_SKUS = 90

// Every combination of the axes' values, in axis order: [[v1, v2], ...].
export function cartesian(specs) {
  const axes = specs.filter((d) => d.values.length)
  if (!axes.length || axes.length !== specs.length) return []
  return axes.reduce((acc, d) => acc.flatMap((combo) => d.values.map((v) => [...combo, v])), [[]])
}

export const comboKey = (values) => values.join('\u0001')

export function newRow(values) {
  return {
    key: comboKey(values), values, id: null, price: null, original_price: null, stock: 0, liveStock: 0,
    code: '', weight_grams: 0, max_per_order: null, limit_per_buyer: null, image_url: null,
  }
}

// A thumbnail for an image URL: the 240 px WebP the thumbnails function makes for our uploads
// (<base>/thumbs/<key>_240.webp for <base>/<key>, key under uploads/), the URL itself otherwise.
export function thumbOf(url, width = 240) {
  if (!url) return ''
  const i = url.indexOf('/uploads/')
  if (i < 0) return url
  return `${url.slice(0, i)}/thumbs/${url.slice(i + 1)}_${width}.webp`
}

// Pydantic's messages in Chinese (the API answers 400 invalid_request with details
// [{location, field, message, type}]).
export function detailMessage(d) {
  const msg = String(d.message || '')
  const num = (msg.match(/-?\d+(\.\d+)?/) || [])[0]
  switch (d.type) {
    case 'missing':
      return '必填'
    case 'string_too_short':
      return num && num !== '1' ? `至少 ${num} 个字` : '不能为空'
    case 'string_too_long':
      return `最多 ${num} 个字`
    case 'too_short':
      return num && num !== '1' ? `至少 ${num} 项` : '至少要有一项'
    case 'too_long':
      return `最多 ${num} 项`
    case 'greater_than_equal':
      return `不能小于 ${num}`
    case 'greater_than':
      return `必须大于 ${num}`
    case 'less_than_equal':
      return `不能大于 ${num}`
    case 'less_than':
      return `必须小于 ${num}`
    case 'string_pattern_mismatch':
      return '格式不对'
    case 'int_parsing':
    case 'int_type':
      return '应为整数'
    case 'extra_forbidden':
      return '不支持此字段'
    default:
      break
  }
  const stripped = msg.replace(/^Value error, /, '')
  if (/must not contain markup/.test(stripped)) return '不能包含尖括号标记（如 <b>），请去掉“<”'
  const invisible = /invisible character (U\+[0-9A-F]{4,6})/.exec(stripped)
  if (invisible) return `含有看不见的特殊字符（${invisible[1]}），请删除后重新输入`
  return /[\u4e00-\u9fff]/.test(stripped) ? stripped : '内容不符合要求'
}

// { 'title': '最多 60 个字', 'skus.0.price': '...', '': 'model-level message' }
export function fieldErrors(err) {
  const out = {}
  const details = err && Array.isArray(err.details) ? err.details : []
  for (const d of details) {
    if (!d || typeof d !== 'object') continue
    const key = d.field || ''
    const text = detailMessage(d)
    out[key] = out[key] ? `${out[key]}；${text}` : text
  }
  return out
}

// Run fn over items with at most `limit` at a time.
export async function eachLimited(items, limit, fn) {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
