// A list the API pages with a cursor: the next page on demand (infinite scroll), a reload that
// drops what a slower earlier load would still bring (a newer filter or sort wins).
import { ref } from 'vue'

export function useCursorList(fetchPage) {
  const items = ref([])
  const cursor = ref(null)
  const loading = ref(false)
  const error = ref('')
  let generation = 0
  let wanted = false // the shopper reached the end while a page was still loading

  async function more() {
    if (loading.value) return
    const mine = generation
    loading.value = true
    error.value = ''
    try {
      const page = await fetchPage(cursor.value || undefined)
      if (mine !== generation) return
      items.value = items.value.concat(page.items)
      cursor.value = page.next_cursor
    } catch (e) {
      if (mine === generation) error.value = e.message
    } finally {
      if (mine === generation) loading.value = false
    }
    if (mine === generation && wanted && cursor.value && !error.value) {
      wanted = false
      more()
    }
  }

  function reload() {
    generation += 1
    wanted = false
    items.value = []
    cursor.value = null
    loading.value = false
    return more()
  }

  function next() {
    if (!cursor.value || error.value) return
    if (loading.value) wanted = true
    else more()
  }

  return { items, cursor, loading, error, more, reload, next }
}
