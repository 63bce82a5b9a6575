// The sidebar: menu entries collected from every area's routes.js, grouped and ordered.

export const GROUPS = ['概览', '商品', '订单', '营销', '客户', '财务', '设置']

const areaModules = import.meta.glob('../views/*/routes.js', { eager: true })

/** Each area's default export {routes, menu}, in folder order. */
export const areas = Object.keys(areaModules).sort().map((path) => {
  const mod = areaModules[path].default || {}
  return { folder: path.split('/')[2], routes: mod.routes || [], menu: mod.menu || [] }
})

function groupIndex(g) {
  const i = GROUPS.indexOf(g)
  return i === -1 ? GROUPS.length : i
}

/** All menu entries, ordered by group, then `order`, then title. */
export const menuEntries = areas
  .flatMap((a) => a.menu)
  .slice()
  .sort((a, b) => groupIndex(a.group) - groupIndex(b.group)
    || (a.order ?? 100) - (b.order ?? 100)
    || String(a.title).localeCompare(String(b.title), 'zh-CN'))

/** The entries `can(permission)` allows, as [{group, entries}] in sidebar order. */
export function visibleMenu(can) {
  const groups = []
  for (const entry of menuEntries) {
    if (entry.permission && !can(entry.permission)) continue
    const group = entry.group && GROUPS.includes(entry.group) ? entry.group : '其他'
    let g = groups.find((x) => x.group === group)
    if (!g) groups.push((g = { group, entries: [] }))
    g.entries.push(entry)
  }
  return groups
}

/** Where "/" leads: the first menu entry the role may see, else 我的设备 (every role has it). */
export function firstAllowedPath(can) {
  const first = menuEntries.find((e) => !e.permission || can(e.permission))
  return first ? first.path : '/devices'
}
