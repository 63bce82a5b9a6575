// What the shopper takes to checkout (sku_id and quantity per line), handed from the cart or a
// product page to the checkout page through storage.
export const CHECKOUT_KEY = 'minishop.checkout'

export function startCheckout(items) {
  uni.setStorageSync(CHECKOUT_KEY, items.map((i) => ({ sku_id: i.sku_id, quantity: i.quantity })))
  uni.navigateTo({ url: '/pages/checkout/checkout' })
}
