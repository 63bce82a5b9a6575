// A list the API pages with `limit` and an opaque `next_cursor`, shown with a "加载更多" button
// (components/LoadMore.vue). Every list of the console uses this one pattern.
//
//   const list = useCursorList((cursor) => api.listAudit({ cursor, limit: 50 }))
//   list.reload()               // first page (also after a filter changed)
//   list.loadMore()             // next page, appended
//   list.items / list.loading / list.error (Chinese sentence or '') / list.hasMore
//
// `fetchPage(cursor)` gets null for the first page and must resolve with {items, next_cursor}.
// A reload while a page is still loading wins: the older answer is dropped.

import { ref, shallowRef } from 'vue'
import { describe } from '../api/errors.js'

export function useCursorList(fetchPage, { immediate = false } = {}) {
  const items = shallowRef([])
  const loading = ref(false)
  const error = ref('')
  const hasMore = ref(false)
  const loaded = ref(false) // the first page has arrived at least once
  let cursor = null
  let generation = 0

  async function load(reset) {
    const mine = reset ? ++generation : generation
    if (!reset && (loading.value || !hasMore.value)) return
    loading.value = true
    error.value = ''
    try {
      const page = await fetchPage(reset ? null : cursor)
      if (mine !== generation) return
      const got = (page && Array.isArray(page.items)) ? page.items : []
      items.value = reset ? got : [...items.value, ...got]
      cursor = (page && page.next_cursor) || null
      hasMore.value = !!cursor
      loaded.value = true
    } catch (err) {
      if (mine !== generation) return
      error.value = describe(err)
      if (reset) {
        items.value = []
        hasMore.value = false
        cursor = null
      }
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  const reload = () => load(true)
  const loadMore = () => load(false)

  /** Replace one item in place (after an edit), matched by `match(item)`. */
  function replace(match, next) {
    items.value = items.value.map((it) => (match(it) ? next : it))
  }

  /** Drop items (after a delete). */
  function remove(match) {
    items.value = items.value.filter((it) => !match(it))
  }

  if (immediate) reload()

  return { items, loading, error, hasMore, loaded, reload, loadMore, replace, remove }
}

export default useCursorList
