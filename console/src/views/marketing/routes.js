// 营销: coupon templates (coupons.read / coupons.write) and the growth settings: the new-user gift
// pack and share-reward tiers (growth.read / growth.write).
export default {
  routes: [
    {
      path: '/coupons',
      name: 'coupons',
      component: () => import('./CouponList.vue'),
      meta: { permission: 'coupons.read', title: '优惠券' },
    },
    {
      path: '/growth',
      name: 'growth',
      component: () => import('./GrowthSettings.vue'),
      meta: { permission: 'growth.read', title: '增长设置' },
    },
  ],
  menu: [
    { path: '/coupons', title: '优惠券', icon: 'Ticket', permission: 'coupons.read', group: '营销', order: 10 },
    { path: '/growth', title: '新人礼包与分享', icon: 'Present', permission: 'growth.read', group: '营销', order: 20 },
  ],
}
