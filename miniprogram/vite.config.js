import { defineConfig, loadEnv } from 'vite'
import uni from '@dcloudio/vite-plugin-uni'

// Build settings (docs/miniprogram.md), from .env.<mode> or the shell (the shell wins):
// - VITE_API_BASE: the shop API's base URL, compiled into the code (import.meta.env.VITE_API_BASE);
//   the H5 build for the local stack uses /api, which the local edge passes to the API.
// - VITE_WX_APPID: the mini-program's AppID, written into the mp-weixin build's project.config.json.
// A build whose API is plain http (make dev's, or one on the LAN) opens in WeChat DevTools with the
// domain check off (setting.urlCheck: 不校验合法域名), since such an API can never be a 合法域名; an
// https build keeps the check on, as the published mini-program will have it.
function projectConfig(appid, apiBase) {
  return {
    name: 'minishop-wx-project-config',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const config = bundle['project.config.json']
      if (!config || config.type !== 'asset') return
      const json = JSON.parse(String(config.source))
      if (appid) json.appid = appid
      json.setting = { ...json.setting, urlCheck: !/^http:\/\//.test(apiBase) }
      config.source = JSON.stringify(json, null, 2)
    },
  }
}

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), 'VITE_')
  if (!env.VITE_API_BASE) throw new Error('VITE_API_BASE is not set: the shop API base URL (docs/miniprogram.md)')
  return { plugins: [uni(), projectConfig(env.VITE_WX_APPID, env.VITE_API_BASE)] }
})
