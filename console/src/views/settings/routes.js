// 设置: shop profile and order rules, the freight template, pickup stores, the subscribe-message
// templates (settings.read; writes settings.write).
export default {
  routes: [
    {
      path: '/settings',
      name: 'settings',
      component: () => import('./ShopSettings.vue'),
      meta: { permission: 'settings.read', title: '店铺设置' },
    },
    {
      path: '/settings/freight',
      name: 'settings-freight',
      component: () => import('./FreightSettings.vue'),
      meta: { permission: 'settings.read', title: '运费模板' },
    },
    {
      path: '/settings/pickup-stores',
      name: 'settings-pickup-stores',
      component: () => import('./PickupStores.vue'),
      meta: { permission: 'settings.read', title: '自提点' },
    },
    {
      path: '/settings/subscribe-messages',
      name: 'settings-subscribe-messages',
      component: () => import('./SubscribeMessages.vue'),
      meta: { permission: 'settings.read', title: '订阅消息' },
    },
  ],
  menu: [
    { path: '/settings', title: '店铺设置', icon: 'Shop', permission: 'settings.read', group: '设置', order: 10 },
    { path: '/settings/freight', title: '运费模板', icon: 'Van', permission: 'settings.read', group: '设置', order: 20 },
    { path: '/settings/pickup-stores', title: '自提点', icon: 'Location', permission: 'settings.read', group: '设置', order: 30 },
    { path: '/settings/subscribe-messages', title: '订阅消息', icon: 'Bell', permission: 'settings.read', group: '设置', order: 40 },
  ],
}
