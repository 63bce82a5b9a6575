// The login code POST /auth/login exchanges for a session. On WeChat it is wx.login's (the backend
// sends it to code2session); the H5 build, which exists for development and the browser tests
// against the local stack's simulator, keeps one random code per browser, so the same browser is
// always the same shopper (the simulator maps a code to a user). No prompt either way.
const H5_CODE_KEY = 'minishop.h5-login-code'

export function loginCode() {
  // #ifdef MP-WEIXIN
  return new Promise((resolve, reject) => {
    uni.login({ provider: 'weixin', success: (res) => resolve(res.code), fail: () => reject(new Error('微信登录失败，请稍后再试')) })
  })
  // #endif
  // #ifndef MP-WEIXIN
  let code = uni.getStorageSync(H5_CODE_KEY)
  if (!code) {
    code = `h5-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
    uni.setStorageSync(H5_CODE_KEY, code)
  }
  return Promise.resolve(code)
  // #endif
}
