// Vite config of the merchant console (docs: console/README is the lead's; see /admin proxy below).
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import AutoImport from 'unplugin-auto-import/vite'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import * as allIcons from '@element-plus/icons-vue'

const api = process.env.SHOP_API || 'http://127.0.0.1:3000'

// One chunk per area folder (src/views/<area>/), except its routes.js, which the router
// imports eagerly to build the menu: putting it into the area chunk would load the whole area up front.
// Everything else of ours (router, stores, api, utils, components, layouts, the routes.js files)
// is one `app` chunk, so an area chunk never holds a module another area needs.
function appModule(id) {
  if (!/[\\/]src[\\/]/.test(id) || /[\\/]node_modules[\\/]/.test(id) || /[\\/]src[\\/]main\.js$/.test(id)) return false
  const m = /[\\/]src[\\/]views[\\/][^\\/]+[\\/](.+)$/.exec(id)
  return !m || m[1] === 'routes.js'
}

function areaChunk(id) {
  const m = /[\\/]src[\\/]views[\\/]([^\\/]+)[\\/](.+)$/.exec(id)
  if (!m || m[2] === 'routes.js') return null
  return `area-${m[1]}`
}

// every Element Plus component's style entry, as unplugin-vue-components imports them
function elementStyles() {
  const dir = fileURLToPath(new URL('./node_modules/element-plus/es/components', import.meta.url))
  if (!existsSync(dir)) return []
  return readdirSync(dir).filter((d) => existsSync(join(dir, d, 'style', 'css.mjs')))
    .map((d) => `element-plus/es/components/${d}/style/css`)
}

// `virtual:menu-icons`: the @element-plus/icons-vue icons that the areas' menu entries name
// (`icon: 'Goods'` in src/views/*/routes.js), so the sidebar imports those and not all 290 icons.
const viewsDir = fileURLToPath(new URL('./src/views', import.meta.url))
function menuIcons() {
  const id = 'virtual:menu-icons'
  const resolved = '\0' + id
  const files = () => readdirSync(viewsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(viewsDir, d.name, 'routes.js'))
    .filter((f) => existsSync(f))
  return {
    name: 'menu-icons',
    resolveId: (source) => (source === id ? resolved : null),
    load(source) {
      if (source !== resolved) return null
      const names = new Set(['Menu'])
      for (const f of files()) {
        this.addWatchFile(f)
        for (const m of readFileSync(f, 'utf8').matchAll(/\bicon\s*:\s*['"]([A-Z][A-Za-z0-9]*)['"]/g)) {
          if (m[1] in allIcons) names.add(m[1]) // an unknown name gets the default icon
        }
      }
      const list = [...names].sort()
      return `import { ${list.join(', ')} } from '@element-plus/icons-vue'\nexport default { ${list.join(', ')} }\n`
    },
    configureServer(server) {
      // a routes.js added, changed or removed: the sidebar's icon list is made again
      const onFile = (file) => {
        if (!/[\\/]src[\\/]views[\\/][^\\/]+[\\/]routes\.js$/.test(file)) return
        const mod = server.moduleGraph.getModuleById(resolved)
        if (mod) {
          server.moduleGraph.invalidateModule(mod)
          server.ws.send({ type: 'full-reload' })
        }
      }
      server.watcher.on('add', onFile)
      server.watcher.on('change', onFile)
      server.watcher.on('unlink', onFile)
    },
  }
}

export default defineConfig({
  base: './',
  plugins: [
    menuIcons(),
    vue(),
    AutoImport({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
    }),
    Components({
      resolvers: [ElementPlusResolver({ importStyle: 'css' })],
      dts: false,
      // our own shared components are imported explicitly where used
      dirs: [],
    }),
  ],
  // pre-bundle what pages will need, so the dev server does not reload the page when one is first opened
  optimizeDeps: {
    include: [
      'vue', 'vue-router', 'pinia', 'element-plus/es', ...elementStyles(),
      'element-plus/es/locale/lang/zh-cn', '@element-plus/icons-vue', 'qrcode',
      'echarts/core', 'echarts/charts', 'echarts/components', 'echarts/renderers',
    ],
  },
  server: {
    host: '127.0.0.1',
    proxy: {
      // Same-origin /admin calls go to the API; Set-Cookie (the HttpOnly refresh cookie,
      // Path=/admin/auth) passes through unchanged, so the browser stores it for this origin.
      '/admin': {
        target: api,
        changeOrigin: false,
      },
    },
  },
  preview: {
    host: '127.0.0.1',
    proxy: {
      '/admin': { target: api, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The polyfill would be the only code not from our own files; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /[\\/]node_modules[\\/](echarts|zrender|tslib)[\\/]/, priority: 30 },
            { name: 'element-plus', test: /[\\/]node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@sxzz|@vueuse|lodash-es|lodash-unified|dayjs|async-validator|@ctrl|memoize-one|normalize-wheel-es)[\\/]/, priority: 20 },
            { name: 'vue', test: /[\\/]node_modules[\\/](vue|@vue|vue-router|pinia)[\\/]/, priority: 20 },
            { name: 'qrcode', test: /[\\/]node_modules[\\/](qrcode|dijkstrajs|pngjs|encode-utf8)[\\/]/, priority: 20 },
            { name: 'app', test: appModule, priority: 15 },
            { name: areaChunk, debugName: 'areas', priority: 10 },
          ],
        },
      },
    },
  },
})
