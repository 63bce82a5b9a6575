// What the API's codes mean, in the words a shopper reads.
export const PROBLEM_TEXT = {
  out_of_stock: '已售罄', insufficient_stock: '库存不足', off_shelf: '商品已下架', sku_not_found: '该规格已下架',
  exceeds_max_per_order: '超过每单限购数量', buyer_limit_reached: '已达到限购数量', open_orders_limit: '待支付订单过多，请先支付或取消',
  address_required: '请选择收货地址', address_not_found: '收货地址不存在，请重新选择', unreachable_region: '该地址暂不支持配送',
  pickup_store_required: '请选择自提点', pickup_store_not_found: '自提点不存在，请重新选择',
  coupon_not_found: '优惠券不存在', coupon_below_threshold: '未达到使用门槛', coupon_not_in_scope: '不适用于所选商品',
  coupon_not_yet_valid: '未到使用时间', coupon_locked: '已被其他订单占用', coupon_used: '已使用', coupon_expired: '已过期',
  coupon_not_stackable: '不能与其他优惠券同时使用', too_many_coupons: '使用的优惠券过多', same_coupon_twice: '同一张券只能用一次',
}

export const ORDER_STATUS = {
  PENDING_PAYMENT: '待支付', PAID: '待发货', SHIPPED: '待收货', COMPLETED: '已完成', CANCELLED: '已取消',
  CLOSED: '已关闭', PAYMENT_EXCEPTION: '支付异常',
}

// An order's state in the shopper's words: a paid pickup order waits to be picked up, not shipped.
export function orderStatusText(order) {
  if (order.delivery === 'pickup' && order.status === 'PAID') return '待取货'
  return ORDER_STATUS[order.status] || order.status
}

export function problemText(problem) {
  return PROBLEM_TEXT[problem.code] || problem.message || '暂时无法下单'
}

export const REFUND_STATUS = {
  REQUESTED: '待商家处理', AWAITING_RETURN: '待寄回商品', PROCESSING: '退款中', SUCCEEDED: '已退款',
  ABNORMAL: '退款异常，商家处理中', CLOSED: '已关闭', REJECTED: '商家已拒绝',
}

// A refund still open: the shopper cannot ask for another until it ends.
export const REFUND_OPEN = ['REQUESTED', 'AWAITING_RETURN', 'PROCESSING', 'ABNORMAL']
