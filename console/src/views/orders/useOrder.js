// The order a page shows (订单详情, 打印发货单): GET /admin/orders/{id} for the route's id, loaded again
// when the id changes, never showing the previous order while the next one loads.
import { ref, watch } from 'vue'
import { api } from '../../api/client.js'

export function useOrder(route) {
  const order = ref(null)
  const loading = ref(false)
  const error = ref(null)

  async function load() {
    loading.value = true
    error.value = null
    try {
      order.value = await api.adminGetOrder(route.params.id)
    } catch (err) {
      error.value = err
    } finally {
      loading.value = false
    }
  }

  watch(() => route.params.id, (id) => {
    if (!id) return
    if (order.value && order.value.id !== id) order.value = null
    load()
  }, { immediate: true })

  return { order, loading, error, load }
}
