// Hash-history router: collects every area's routes (views/*/routes.js), puts them inside the
// admin layout (unless a route says meta.layout === false), and guards meta.permission.

import { createRouter, createWebHashHistory } from 'vue-router'
import AdminLayout from '../layouts/AdminLayout.vue'
import { useAuth } from '../stores/auth.js'
import { describe } from '../api/errors.js'
import { areas, firstAllowedPath } from './menu.js'

export { menuEntries, visibleMenu, firstAllowedPath, GROUPS } from './menu.js'

const inside = []
const outside = []
for (const area of areas) {
  for (const route of area.routes) {
    ;(route.meta && route.meta.layout === false ? outside : inside).push(route)
  }
}

const Empty = { name: 'HomeRedirect', render: () => null }

export const routes = [
  ...outside,
  {
    path: '/',
    component: AdminLayout,
    children: [
      { path: '', name: 'home', component: Empty, meta: { title: '首页' } },
      ...inside,
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('../views/core/NotFound.vue'),
        meta: { title: '页面不存在' },
      },
    ],
  },
]

export const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: (to, from, saved) => saved || { top: 0 },
})

/** A redirect target from the sign-in page's query, only if it is a path of this app. */
export function safeTarget(value) {
  const v = Array.isArray(value) ? value[0] : value
  if (typeof v !== 'string' || !v.startsWith('/') || v.startsWith('//') || v.startsWith('/sign-in')) return null
  return v
}

router.beforeEach(async (to) => {
  const auth = useAuth()
  if (!auth.restored) {
    try {
      await auth.restore()
    } catch (err) {
      // the API could not be reached: the sign-in page says so
      if (!to.meta.public) return { name: 'sign-in', query: { redirect: to.fullPath, problem: describe(err) } }
    }
  }
  if (to.meta.public) {
    if (to.name === 'sign-in' && auth.signedIn) return safeTarget(to.query.redirect) || '/'
    return true
  }
  if (!auth.signedIn) {
    return { name: 'sign-in', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
  }
  if (to.name === 'home') return firstAllowedPath(auth.can)
  const needed = to.matched.map((r) => r.meta && r.meta.permission).filter(Boolean)
  if (needed.some((p) => !auth.can(p))) {
    return { name: 'forbidden', query: { from: to.fullPath }, replace: true }
  }
  return true
})

const TITLE = '微店后台'
router.afterEach((to) => {
  const title = [...to.matched].reverse().find((r) => r.meta && r.meta.title)
  document.title = title ? `${title.meta.title} - ${TITLE}` : TITLE
})

export default router
