// 财务: daily reconciliation with WeChat Pay's trade bill (reconciliation.read; re-run
// reconciliation.run).
export default {
  routes: [
    {
      path: '/reconciliation',
      name: 'reconciliation',
      component: () => import('./ReconciliationList.vue'),
      meta: { permission: 'reconciliation.read', title: '对账' },
    },
    {
      path: '/reconciliation/:day(\\d{4}-\\d{2}-\\d{2})',
      name: 'reconciliation-day',
      component: () => import('./ReconciliationDay.vue'),
      meta: { permission: 'reconciliation.read', title: '对账报告' },
    },
  ],
  menu: [
    { path: '/reconciliation', title: '对账', icon: 'Money', permission: 'reconciliation.read', group: '财务', order: 10 },
  ],
}
