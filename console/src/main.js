import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { ElMessage, ElMessageBox, ElNotification, provideGlobalConfig } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/theme-chalk/base.css'
import './styles/main.css'

import App from './App.vue'
import router from './router/index.js'
import { onSessionChange } from './api/client.js'

const app = createApp(App)
app.use(createPinia())
app.use(router)

// zh-CN for every Element Plus component, also the ones mounted outside the app's tree
// (ElMessageBox, ElMessage, ElNotification get the app's context, so its locale).
provideGlobalConfig({ locale: zhCn }, app, true)
ElMessageBox._context = app._context
ElMessage._context = app._context
ElNotification._context = app._context

// A session that ends on its own (refresh refused, signed out elsewhere, disabled) leads to the sign-in page.
onSessionChange((session) => {
  if (session) return
  const current = router.currentRoute.value
  if (current.meta && current.meta.public) return
  router.replace({ name: 'sign-in', query: current.fullPath && current.fullPath !== '/' ? { redirect: current.fullPath } : {} })
})

app.mount('#app')
