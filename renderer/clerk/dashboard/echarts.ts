/**
 * ECharts for the station dashboard: only the parts it draws (bar, line and pie charts, grid,
 * tooltip, legend) and the canvas renderer. Canvas, not SVG: the page's CSP has no
 * `style-src 'unsafe-inline'`, and the canvas renderer draws without style attributes (tooltips are
 * styled through the CSSOM, which the CSP allows); checked in Chromium by e2e/dashboard.spec.ts.
 */
import { use } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';

use([CanvasRenderer, BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent]);

export { default as VChart } from 'vue-echarts';
