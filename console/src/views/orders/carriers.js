// WeChat's carrier list (GET /admin/delivery-companies, permission orders.ship), kept for the
// session: it changes rarely and the API itself caches it for a day.
import { api } from '../../api/client.js'

let cached = null

export async function loadCarrierList(force = false) {
  if (!cached || force) {
    const answer = await api.deliveryCompanies()
    cached = answer.items || []
  }
  return cached
}
