// A list the API pages with a cursor: the next page on demand (infinite scroll), a reload that
// drops what a slower earlier load would still bring (a newer filter or sort wins).
import { ref } from 'vue'

export function useCursorList(fetchPage) {
  const items = ref([])
  const cursor = ref(null)
  const loading = ref(false)
  const error = ref('')
  let generation = 0

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
  }

  function reload() {
    generation += 1
    items.value = []
    cursor.value = null
    loading.value = false
    return more()
  }

  function next() {
    if (cursor.value && !error.value) more()
  }

  return { items, cursor, loading, error, more, reload, next }
}
