// 订单 › 售后: the after-sales queue (refund requests, returns, stuck refunds).
export default {
  routes: [
    { path: '/aftersales', name: 'aftersales', component: () => import('./RefundQueue.vue'), meta: { permission: 'refunds.read', title: '售后处理' } },
  ],
  menu: [
    { path: '/aftersales', title: '售后处理', icon: 'Service', permission: 'refunds.read', group: '订单', order: 20 },
  ],
}
