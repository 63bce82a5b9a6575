import { defineConfig, loadEnv } from 'vite'
import uni from '@dcloudio/vite-plugin-uni'

// Build settings (docs/miniprogram.md), from .env.<mode> or the shell (the shell wins):
// - VITE_API_BASE: the shop API's base URL, compiled into the code (import.meta.env.VITE_API_BASE);
//   the H5 build for the local stack uses /api, which the local edge passes to the API.
// - VITE_WX_APPID: the mini-program's AppID, written into the mp-weixin build's project.config.json.
function appIdInto(appid) {
  return {
    name: 'minishop-wx-appid',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const config = bundle['project.config.json']
      if (!appid || !config || config.type !== 'asset') return
      const json = JSON.parse(String(config.source))
      json.appid = appid
      config.source = JSON.stringify(json, null, 2)
    },
  }
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  if (!env.VITE_API_BASE) throw new Error('VITE_API_BASE is not set: the shop API base URL (docs/miniprogram.md)')
  return { plugins: [uni(), appIdInto(env.VITE_WX_APPID)] }
})
