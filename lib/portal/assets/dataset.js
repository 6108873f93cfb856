// The dataset page: sortable, filterable preview; live charts.
import { upgradeFigures } from "./chart.js";
import { enhanceTable } from "./table.js";

for (const table of document.querySelectorAll("table[data-sortable]")) {
  const tools = document.querySelector(`.table-tools[data-for="${table.id}"]`);
  if (tools) enhanceTable(table, tools);
}
upgradeFigures().then(() => {
  document.body.dataset.charts = "done";
});
