// 订单 › 自提核销: the pickup counter.
export default {
  routes: [
    { path: '/pickup', name: 'pickup', component: () => import('./PickupVerify.vue'), meta: { permission: 'pickup.verify', title: '自提核销' } },
  ],
  menu: [
    { path: '/pickup', title: '自提核销', icon: 'Checked', permission: 'pickup.verify', group: '订单', order: 30 },
  ],
}
