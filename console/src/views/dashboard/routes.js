// 概览: the live data dashboard (数据看板), GET /admin/dashboard (dashboard.read). It is the first
// menu entry, so it is the landing page ("/") of every role that may read it.
export default {
  routes: [
    { path: '/dashboard', name: 'dashboard', component: () => import('./DashboardPage.vue'),
      meta: { permission: 'dashboard.read', title: '数据看板' } },
  ],
  menu: [
    { path: '/dashboard', title: '数据看板', icon: 'DataLine', permission: 'dashboard.read', group: '概览', order: 1 },
  ],
}
