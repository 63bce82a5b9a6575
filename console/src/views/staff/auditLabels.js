// Words for the audit log: actions, the kinds of things changed, field names and values.
// Actions are `<context>.<thing>.<verb>` (layers/shop/shop/*: audit.entry(...)).

import { beijingTimeSeconds, yuan } from '../../utils/format.js'
import { ROLE_LABEL } from './roles.js'

export const ACTIONS = {
  'catalog.category.create': '新建分类',
  'catalog.category.update': '修改分类',
  'catalog.category.reorder': '调整分类顺序',
  'catalog.product.create': '新建商品',
  'catalog.product.update': '修改商品',
  'catalog.product.delete': '删除商品',
  'catalog.product.publish': '上架商品',
  'catalog.product.unpublish': '下架商品',
  'catalog.product.import_create': '导入新商品',
  'catalog.product.import_update': '导入更新商品',
  'catalog.upload.create': '上传文件',
  'catalog.stock.set': '设置库存',
  'catalog.stock.adjust': '调整库存',
  'orders.remark.add': '添加订单备注',
  'orders.shipment.create': '订单发货',
  'orders.shipment.update': '修改运单',
  'orders.export.create': '导出订单',
  'orders.pickup.verify': '自提核销',
  'buying.refund.create': '主动退款',
  'buying.refund.approve': '同意退款',
  'buying.refund.approve_return': '同意退货退款',
  'buying.refund.retry': '重试退款',
  'buying.refund.receive_return': '确认收到退货',
  'buying.refund.reject': '拒绝退款',
  'buying.reconciliation.run': '运行对账',
  'growth.coupon.create': '新建优惠券',
  'growth.coupon.update': '修改优惠券',
  'growth.config.update': '修改新人礼包与分享奖励',
  'users.account.block': '限制客户',
  'users.account.unblock': '解除客户限制',
  'settings.shop.update': '修改店铺设置',
  'settings.freight.update': '修改运费模板',
  'settings.pickup_store.create': '新增自提点',
  'settings.pickup_store.update': '修改自提点',
  'settings.pickup_store.delete': '删除自提点',
  'settings.subscribe_template.create': '设置订阅消息模板',
  'settings.subscribe_template.update': '修改订阅消息模板',
  'staff.owner.create': '创建店主',
  'staff.invite.create': '邀请员工',
  'staff.invite.withdraw': '撤回邀请',
  'staff.invite.accept': '接受邀请',
  'staff.member.role': '修改员工角色',
  'staff.member.disable': '停用员工',
  'staff.member.enable': '启用员工',
  'staff.member.rename': '修改员工名称',
  'staff.member.update': '修改员工',
  'staff.account.unlock': '解锁员工账号',
}

/** Prefix filters (the API takes a prefix ending in a dot). */
export const ACTION_GROUPS = [
  { prefix: 'catalog.', label: '商品与库存' },
  { prefix: 'orders.', label: '订单与发货' },
  { prefix: 'buying.refund.', label: '退款' },
  { prefix: 'buying.reconciliation.', label: '对账' },
  { prefix: 'growth.', label: '营销' },
  { prefix: 'users.', label: '客户' },
  { prefix: 'settings.', label: '店铺设置' },
  { prefix: 'staff.', label: '员工' },
]

export const TARGET_TYPES = {
  category: '分类',
  product: '商品',
  sku: '商品规格',
  upload: '上传文件',
  order: '订单',
  export: '导出任务',
  refund: '退款',
  reconciliation: '对账',
  coupon_template: '优惠券',
  growth_config: '新人礼包与分享',
  user: '客户',
  settings: '店铺设置',
  pickup_store: '自提点',
  subscribe_template: '订阅消息模板',
  staff: '员工账号（解锁）',
  staff_member: '员工',
  staff_invite: '员工邀请',
}

export function actionLabel(action) {
  if (ACTIONS[action]) return ACTIONS[action]
  const group = ACTION_GROUPS.find((g) => action.startsWith(g.prefix))
  return group ? `${group.label}：${action}` : action
}

const FIELDS = {
  status: '状态', role: '角色', display_name: '显示名称', channel: '方式', name: '名称', title: '标题',
  amount: '金额', price: '价格', original_price: '原价', stock: '库存', quantity: '数量', delta: '变化',
  locked: '锁定', failed_attempts: '连续失败次数', shipments: '包裹', carrier: '快递公司代码',
  carrier_name: '快递公司', tracking_no: '运单号', logistics: '配送方式', lines: '商品', sku_id: '规格编号',
  shipped_at: '发货时间', shipped_by: '发货人', id: '编号', from: '开始日期', to: '结束日期',
  content_type: '文件类型', declared_size: '文件大小', filename: '文件名', key: '存储位置', kind: '类型',
  max_bytes: '大小上限', differences_count: '差异数', error_code: '错误', version: '版本', note: '备注',
  remark: '备注', reason: '原因', published: '已上架', category_id: '分类', categories: '分类',
  images: '图片', skus: '规格', description: '描述', sort: '排序', order: '顺序', ids: '顺序',
  blocked: '已限制', blocked_reason: '限制原因', phone: '电话', address: '地址', enabled: '启用',
  expires_at: '到期时间', created_at: '创建时间', invite_id: '邀请编号', total: '总量', claimable: '可领取',
  claim_from: '领取开始', claim_until: '领取结束', valid_days: '有效天数', threshold: '门槛', discount: '优惠',
  pickup_code: '提货码', store_id: '门店', verified_by: '核销人', verified_at: '核销时间',
  default_fee: '默认运费', default_rule: '默认规则', first: '首重/首件', first_fee: '首费', step: '续重/续件',
  step_fee: '续费', free_threshold: '包邮门槛', province_fees: '各省运费', unreachable: '不配送地区', mode: '计费方式',
  profile: '店铺资料', service_phone: '客服电话', orders: '订单', payment_timeout_minutes: '支付超时（分钟）',
  qualify_on: '获得条件', gift_pack: '新人礼包', tiers: '分享奖励档位', friends: '邀请人数', template_id: '优惠券模板',
  max_discount: '最高优惠', percent: '折扣（%）', per_user_limit: '每人限领', new_user_only: '仅限新客',
  stackable: '可叠加', issued: '已发放', valid_from: '有效期开始', valid_until: '有效期结束', scope: '适用范围',
  type: '类型', hidden: '隐藏', icon_url: '图标', subtitle: '副标题', specs: '规格项', values: '可选值', code: '编码',
  invited_by: '邀请人', changed: '变化字段', differences: '差异',
}

// integer fen fields shown in yuan
const MONEY = new Set(['amount', 'price', 'original_price', 'refund_amount', 'paid_amount', 'pay_amount', 'total_amount',
  'freight', 'freight_fee', 'threshold', 'discount', 'discount_amount', 'min_spend', 'min_amount', 'subtotal',
  'default_fee', 'first_fee', 'step_fee', 'free_threshold', 'max_discount'])
// parents whose every leaf is an amount in fen (province name -> fee)
const MONEY_PARENTS = new Set(['province_fees'])
// epoch seconds
const EPOCH = /(^valid_from|^valid_until|^claim_from|^claim_until|_at)$/

const STATUS_WORDS = {
  active: '正常', disabled: '已停用', pending: '待处理', accepted: '已接受', withdrawn: '已撤回', expired: '已过期',
  clean: '无差异', differences: '有差异', failed: '失败', running: '进行中', done: '完成',
  PENDING: '待支付', PAID: '已支付', SHIPPED: '已发货', COMPLETED: '已完成', CANCELLED: '已取消', CLOSED: '已关闭',
  REFUNDED: '已退款', PROCESSING: '退款中', AWAITING_RETURN: '等待退货', REJECTED: '已拒绝', SUCCEEDED: '退款成功',
  express: '快递', local: '同城配送', pickup: '到店自提', virtual: '虚拟商品',
  console: '后台账号', wechat: '小程序微信', password: '密码',
  first_completed_order: '首单完成后', first_paid_order: '首单支付后', image: '图片', percent: '折扣券',
  on_sale: '出售中', off_shelf: '已下架', deleted: '已删除',
  all: '全部商品', category: '指定分类', product: '指定商品', flat: '统一运费',
}
const WORD_FIELDS = ['status', 'channel', 'logistics', 'kind', 'qualify_on', 'type', 'mode']

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/

export function fieldLabel(path) {
  // "shipments.1.tracking_no" -> "包裹 第 1 项 · 运单号"
  return path.split('.').map((p) => (/^\d+$/.test(p) ? `第 ${Number(p) + 1} 项` : FIELDS[p] || p)).join(' · ')
}

/** One value in words (never JSON). */
export function valueText(path, v) {
  const parts = path.split('.').filter((p) => !/^\d+$/.test(p))
  const last = parts[parts.length - 1] || ''
  const parent = parts[parts.length - 2] || ''
  if (v === undefined) return '（无）'
  if (v === null || v === '') return '（空）'
  if (typeof v === 'boolean') return v ? '是' : '否'
  if (typeof v === 'number') {
    if ((MONEY.has(last) || MONEY_PARENTS.has(parent)) && Number.isInteger(v)) return yuan(v)
    if (EPOCH.test(last) && v > 1e9 && v < 1e10) return beijingTimeSeconds(new Date(v * 1000))
    return String(v)
  }
  if (typeof v === 'string') {
    if (last === 'role' && ROLE_LABEL[v]) return ROLE_LABEL[v]
    if (STATUS_WORDS[v] && WORD_FIELDS.includes(last)) return STATUS_WORDS[v]
    if (last === 'kind' && v === 'amount') return '满减券'
    if (ISO.test(v)) return beijingTimeSeconds(v)
    return v
  }
  if (Array.isArray(v)) return v.length ? `${v.length} 项` : '（无）'
  return `${Object.keys(v).length} 项设置`
}

/** Flattens {a: {b: 1}, c: [x, y]} into [["a.b", 1], ["c.0", x], ["c.1", y]] (primitives only). */
export function flatten(value, prefix = '', out = new Map()) {
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value)
    if (!entries.length && prefix) out.set(prefix, Array.isArray(value) ? [] : null)
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out)
  } else if (prefix) {
    out.set(prefix, value)
  }
  return out
}

/**
 * The rows of an entry's change: [{path, label, before, after, changed}] — each a field (nested
 * fields flattened), with its value before and after in words. Changed fields first.
 */
export function diffRows(entry) {
  const before = entry.before
  const after = entry.after
  const b = flatten(before && typeof before === 'object' ? before : before === null || before === undefined ? {} : { 值: before })
  const a = flatten(after && typeof after === 'object' ? after : after === null || after === undefined ? {} : { 值: after })
  const paths = []
  for (const p of [...b.keys(), ...a.keys()]) if (!paths.includes(p)) paths.push(p)
  const changedTop = new Set(entry.changed || [])
  // a field that is empty on one side and has sub-fields on the other is shown by those sub-fields;
  // a plain value on one side (e.g. a count) against sub-fields on the other is shown against their summary
  const hasChildren = (m, p) => [...m.keys()].some((k) => k.startsWith(`${p}.`))
  const emptyish = (m, p) => !m.has(p) || m.get(p) === null || (Array.isArray(m.get(p)) && !m.get(p).length)
  const redundant = (p) => (emptyish(b, p) && hasChildren(a, p)) || (emptyish(a, p) && hasChildren(b, p))
  const at = (obj, p) => p.split('.').reduce((v, k) => (v !== null && typeof v === 'object' ? v[k] : undefined), obj)
  for (const p of paths) {
    if (b.has(p) && !a.has(p) && hasChildren(a, p)) a.set(p, at(after, p))
    if (a.has(p) && !b.has(p) && hasChildren(b, p)) b.set(p, at(before, p))
  }
  const rows = paths.filter((path) => !redundant(path)).map((path) => {
    const bv = b.has(path) ? b.get(path) : undefined
    const av = a.has(path) ? a.get(path) : undefined
    const differs = JSON.stringify(bv) !== JSON.stringify(av)
    return {
      path,
      label: fieldLabel(path),
      before: before === null || before === undefined ? '' : valueText(path, bv),
      after: after === null || after === undefined ? '' : valueText(path, av),
      changed: differs || changedTop.has(path),
      top: path.split('.')[0],
    }
  })
  return rows.sort((x, y) => Number(y.changed) - Number(x.changed))
}
