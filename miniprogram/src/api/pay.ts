// Paying for an order: wx.requestPayment with the parameters the API signed (WeChat), or in the H5
// build for make dev the local simulator's pay, which plays the shopper paying in WeChat. Either way
// the order is then asked for at once (POST /orders/{id}/sync), since WeChat Pay's notification to
// the shop is asynchronous.
import type { Order, PaymentParams } from './openapi'
import { api, simulator } from './http'

export class PayCancelled extends Error {}

function requestPayment(payment: PaymentParams | null): Promise<unknown> {
  return new Promise((resolve, reject) => {
    uni.requestPayment({
      provider: 'wxpay', orderInfo: '', ...payment,
      success: resolve,
      fail: (err) => reject(/cancel/.test((err && err.errMsg) || '') ? new PayCancelled('已取消支付') : new Error('支付失败，请稍后重试')),
    })
  })
}

export async function pay(orderId: string, payment: PaymentParams | null): Promise<Order> {
  // #ifdef MP-WEIXIN
  await requestPayment(payment)
  // #endif
  // #ifndef MP-WEIXIN
  if (!payment) throw new Error('支付参数缺失，请稍后重试')
  await simulator('POST', `/_sim/pay/${encodeURIComponent(orderId)}`)
  // #endif
  return api.syncOrder(orderId)
}
