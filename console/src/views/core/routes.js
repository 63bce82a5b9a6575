// The console's own pages: sign-in (no layout), 无权限, 我的设备. 页面不存在 is the router's catch-all.
export default {
  routes: [
    {
      path: '/sign-in',
      name: 'sign-in',
      component: () => import('./SignIn.vue'),
      meta: { public: true, layout: false, title: '登录' },
    },
    {
      path: '/forbidden',
      name: 'forbidden',
      component: () => import('./Forbidden.vue'),
      meta: { title: '无权限' },
    },
    {
      path: '/devices',
      name: 'devices',
      component: () => import('./MyDevices.vue'),
      meta: { permission: 'account.self', title: '我的设备' },
    },
  ],
  // 我的设备 is in the header's dropdown, not the sidebar
  menu: [],
}
