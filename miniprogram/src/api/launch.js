// How this opening of the shop began (WeChat's scene, the page, its query) and the friend whose
// share brought the shopper here: a share card's path carries ?inviter=<code>; a mini-program code
// carries it in options.scene as "inviter=<code>" (URL-encoded), as GET /me/share/qrcode draws it.
const INVITER_KEY = 'minishop.inviter'
const H5_SCENE = 1001 // the H5 build has no scene: counted as a direct opening

let launch = { scene: H5_SCENE, path: 'pages/index/index', query: {} }

function inviterOf(query) {
  if (query.inviter) return String(query.inviter)
  const scene = query.scene ? decodeURIComponent(String(query.scene)) : ''
  const match = /(?:^|&)inviter=([A-Za-z0-9]+)/.exec(scene)
  return match ? match[1] : ''
}

export function remember(options) {
  const query = {}
  for (const [k, v] of Object.entries((options && options.query) || {}).slice(0, 10)) query[k] = String(v).slice(0, 200)
  const scene = Number(options && options.scene)
  launch = { scene: scene >= 1000 && scene <= 9999 ? scene : H5_SCENE, path: String((options && options.path) || launch.path).slice(0, 200), query }
  const inviter = inviterOf(query)
  if (inviter) uni.setStorageSync(INVITER_KEY, inviter)
}

export function launchInfo() {
  return launch
}

export function pendingInviter() {
  return uni.getStorageSync(INVITER_KEY) || ''
}

export function inviterHandled() {
  uni.removeStorageSync(INVITER_KEY)
}

// The shopper's own invite code, once the share page has read it, so every share card they send
// binds the friends it brings.
const MY_CODE_KEY = 'minishop.my-invite-code'

export function rememberMyCode(code) {
  if (code) uni.setStorageSync(MY_CODE_KEY, code)
}

export function withInviter(path) {
  const code = uni.getStorageSync(MY_CODE_KEY)
  return code ? `${path}${path.includes('?') ? '&' : '?'}inviter=${encodeURIComponent(code)}` : path
}
