// 客户: the customer list and one customer's orders, coupons, addresses; blocking (customers.block).
export default {
  routes: [
    {
      path: '/customers',
      name: 'customers',
      component: () => import('./CustomerList.vue'),
      meta: { permission: 'customers.read', title: '客户' },
    },
    {
      path: '/customers/:id',
      name: 'customer',
      component: () => import('./CustomerDetail.vue'),
      meta: { permission: 'customers.read', title: '客户详情' },
    },
  ],
  menu: [
    { path: '/customers', title: '客户列表', icon: 'User', permission: 'customers.read', group: '客户', order: 10 },
  ],
}
