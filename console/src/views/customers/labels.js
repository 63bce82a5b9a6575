// Words for what a customer's detail shows.
export const ORDER_STATUS = {
  PENDING_PAYMENT: { label: '待付款', type: 'warning' },
  PAID: { label: '待发货', type: 'primary' },
  SHIPPED: { label: '已发货', type: 'primary' },
  COMPLETED: { label: '已完成', type: 'success' },
  CANCELLED: { label: '已取消', type: 'info' },
  CLOSED: { label: '已关闭（全额退款）', type: 'info' },
  PAYMENT_EXCEPTION: { label: '支付异常', type: 'danger' },
}

export const COUPON_STATUS = {
  available: { label: '可使用', type: 'success' },
  locked: { label: '下单占用中', type: 'warning' },
  used: { label: '已使用', type: 'info' },
  expired: { label: '已过期', type: 'info' },
}

export const COUPON_SOURCE = { claim: '领券中心', gift: '新人礼包', share_reward: '分享奖励' }
