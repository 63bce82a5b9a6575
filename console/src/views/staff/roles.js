// The roles and what each may do: the same table as layers/shop/shop/staff/roles.py and
// docs/staff.md (the API checks every call; this only explains it to the owner).

export const ROLES = [
  { value: 'owner', label: '店主', summary: '全部权限：包括员工管理、对账和操作日志。必须使用动态口令登录。' },
  { value: 'manager', label: '运营', summary: '日常经营：商品、库存、订单发货、售后、营销、客户和店铺设置；不能看对账、操作日志，不能管理员工。' },
  { value: 'customer_service', label: '客服', summary: '订单和售后：查看订单、写备注、处理退款，查看客户联系方式；不能发货、改商品或设置。' },
  { value: 'finance', label: '财务', summary: '查看经营数据、导出订单、对账和操作日志；不能改动商品、订单和设置。必须使用动态口令登录。' },
  { value: 'pickup_verifier', label: '核销员', summary: '只能在门店核销自提订单（可用小程序微信登录）。' },
]

export const ROLE_LABEL = Object.fromEntries(ROLES.map((r) => [r.value, r.label]))

/** Roles whose sign-in always needs a TOTP code (roles.SECOND_FACTOR_REQUIRED). */
export const SECOND_FACTOR_REQUIRED = ['owner', 'finance']

const ALL = ['owner', 'manager', 'customer_service', 'finance', 'pickup_verifier']
const OWN = ['owner']
const OM = ['owner', 'manager']
const OMC = ['owner', 'manager', 'customer_service']
const OMCF = ['owner', 'manager', 'customer_service', 'finance']
const OMF = ['owner', 'manager', 'finance']
const OF = ['owner', 'finance']

/** What each permission allows, in words, grouped like the sidebar; `roles` that have it. */
export const PERMISSION_TABLE = [
  { group: '订单', items: [
    { permission: 'orders.read', text: '查看订单、订单详情和发货异常', roles: OMCF },
    { permission: 'orders.write', text: '添加订单备注、修改运单号', roles: OMC },
    { permission: 'orders.ship', text: '订单发货', roles: OM },
    { permission: 'orders.export', text: '导出订单', roles: OMF },
    { permission: 'refunds.read', text: '查看售后（退款）', roles: OMCF },
    { permission: 'refunds.decide', text: '同意或拒绝退款、主动退款', roles: OMC },
    { permission: 'refunds.receive', text: '确认收到退货', roles: OMC },
    { permission: 'pickup.verify', text: '门店自提核销', roles: ['owner', 'manager', 'pickup_verifier'] },
  ] },
  { group: '商品', items: [
    { permission: 'catalog.read', text: '查看商品、分类和库存流水', roles: OMCF },
    { permission: 'catalog.write', text: '新建、编辑、上下架、删除商品和分类，上传图片，导入商品', roles: OM },
    { permission: 'stock.write', text: '修改库存', roles: OM },
  ] },
  { group: '营销', items: [
    { permission: 'coupons.read', text: '查看优惠券', roles: OMCF },
    { permission: 'coupons.write', text: '创建、延期、停发优惠券', roles: OM },
    { permission: 'growth.read', text: '查看新人礼包与分享奖励', roles: OMF },
    { permission: 'growth.write', text: '修改新人礼包与分享奖励', roles: OM },
  ] },
  { group: '客户', items: [
    { permission: 'customers.read', text: '查看客户和客户的订单（手机号部分隐藏）', roles: OMCF },
    { permission: 'customers.contact', text: '查看完整的手机号和收货地址', roles: OMC },
    { permission: 'customers.block', text: '限制或恢复客户账号', roles: OM },
  ] },
  { group: '财务', items: [
    { permission: 'reconciliation.read', text: '查看每日对账', roles: OF },
    { permission: 'reconciliation.run', text: '重新对账', roles: OF },
  ] },
  { group: '设置', items: [
    { permission: 'settings.read', text: '查看店铺设置、运费模板、自提点和订阅消息模板', roles: OMF },
    { permission: 'settings.write', text: '修改店铺设置、运费模板、自提点和订阅消息模板', roles: OM },
    { permission: 'audit.read', text: '查看操作日志', roles: OF },
    { permission: 'staff.manage', text: '邀请员工、修改角色、停用和解锁账号', roles: OWN },
    { permission: 'account.self', text: '管理自己的登录设备和动态口令', roles: ALL },
  ] },
]
