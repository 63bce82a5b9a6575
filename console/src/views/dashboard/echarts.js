// The parts of Apache ECharts the dashboard draws with (tree-shaken through echarts/core), so the
// echarts chunk holds only these. No eval / new Function anywhere in them (CSP script-src 'self').
import { use, init } from 'echarts/core'
import { LineChart, BarChart } from 'echarts/charts'
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer])

export { init }
