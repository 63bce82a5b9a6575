// 商品: products, stock, CSV import/export, categories (docs/catalog.md, docs/media.md).
export default {
  routes: [
    { path: '/products', name: 'catalog-products', component: () => import('./ProductList.vue'),
      meta: { permission: 'catalog.read', title: '商品列表' } },
    { path: '/products/new', name: 'catalog-product-new', component: () => import('./ProductEdit.vue'),
      meta: { permission: 'catalog.write', title: '新建商品' } },
    { path: '/products/import', name: 'catalog-import', component: () => import('./ImportExport.vue'),
      meta: { permission: 'catalog.read', title: '导入导出' } },
    { path: '/products/:id([A-Za-z0-9_-]{1,64})', name: 'catalog-product', component: () => import('./ProductEdit.vue'),
      meta: { permission: 'catalog.read', title: '商品详情' } },
    { path: '/stock', name: 'catalog-stock', component: () => import('./StockPage.vue'),
      meta: { permission: 'catalog.read', title: '库存' } },
    { path: '/categories', name: 'catalog-categories', component: () => import('./CategoryList.vue'),
      meta: { permission: 'catalog.read', title: '分类' } },
  ],
  menu: [
    { path: '/products', title: '商品列表', icon: 'Goods', permission: 'catalog.read', group: '商品', order: 10 },
    { path: '/stock', title: '库存', icon: 'Box', permission: 'catalog.read', group: '商品', order: 20 },
    { path: '/products/import', title: '导入导出', icon: 'Upload', permission: 'catalog.read', group: '商品', order: 30 },
    { path: '/categories', title: '分类', icon: 'Menu', permission: 'catalog.read', group: '商品', order: 40 },
  ],
}
