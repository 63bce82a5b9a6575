// 订单: the order desk (list, detail, shipping, packing slip) and WeChat shipping issues.
const ORDER_ID = ':id([A-Za-z0-9_-]{1,64})'

export default {
  routes: [
    { path: '/orders', name: 'orders', component: () => import('./OrderList.vue'), meta: { permission: 'orders.read', title: '订单列表' } },
    { path: '/orders/shipping-issues', name: 'shipping-issues', component: () => import('./ShippingIssues.vue'), meta: { permission: 'orders.read', title: '发货异常' } },
    { path: `/orders/${ORDER_ID}`, name: 'order-detail', component: () => import('./OrderDetail.vue'), meta: { permission: 'orders.read', title: '订单详情' } },
    { path: `/orders/${ORDER_ID}/print`, name: 'order-print', component: () => import('./PackingSlip.vue'), meta: { permission: 'orders.read', title: '打印发货单', layout: false } },
  ],
  menu: [
    { path: '/orders', title: '订单列表', icon: 'Tickets', permission: 'orders.read', group: '订单', order: 10 },
    { path: '/orders/shipping-issues', title: '发货异常', icon: 'WarningFilled', permission: 'orders.read', group: '订单', order: 40 },
  ],
}
