// 员工与角色 (staff.manage), 操作日志 (audit.read), and the public 接受邀请 page an invitation links to.
export default {
  routes: [
    {
      path: '/staff',
      name: 'staff',
      component: () => import('./StaffMembers.vue'),
      meta: { permission: 'staff.manage', title: '员工与角色' },
    },
    {
      path: '/audit',
      name: 'audit',
      component: () => import('./AuditLog.vue'),
      meta: { permission: 'audit.read', title: '操作日志' },
    },
    {
      path: '/accept-invite',
      name: 'accept-invite',
      component: () => import('./AcceptInvite.vue'),
      meta: { public: true, layout: false, title: '接受邀请' },
    },
  ],
  menu: [
    { path: '/staff', title: '员工与角色', icon: 'UserFilled', permission: 'staff.manage', group: '设置', order: 80 },
    { path: '/audit', title: '操作日志', icon: 'Document', permission: 'audit.read', group: '设置', order: 90 },
  ],
}
