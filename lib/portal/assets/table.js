// Sorting and filtering for the preview table, as plain accessible HTML: each column header
// becomes a button (keyboard: Tab, Enter or Space), aria-sort says the current order, and a
// status region announces how many rows are shown. Without JavaScript the table reads as is.
// Rows carry their confidentiality flag (data-flag: "c" or empty), never a reason.

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });
const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

export function enhanceTable(table, tools) {
  const tbody = table.tBodies[0];
  const rows = Array.from(tbody.rows);
  const headers = Array.from(table.tHead.rows[0].cells);
  const searchable = rows.map((row) => fold(Array.from(row.cells, (cell) => cell.textContent).join(" ")));
  const filter = tools.querySelector('input[type="search"]');
  const flagFilter = tools.querySelector("select");
  const count = tools.querySelector('[role="status"]');
  let sorted = { column: -1, direction: "none" };

  const key = (row, column) => {
    const cell = row.cells[column];
    if (headers[column].dataset.type === "number") {
      // Confidential and empty cells have no value: they sort after every number, both ways.
      return cell.dataset.value === undefined ? null : Number(cell.dataset.value);
    }
    return cell.textContent;
  };

  function sortBy(column) {
    const direction = sorted.column === column && sorted.direction === "ascending" ? "descending" : "ascending";
    const sign = direction === "ascending" ? 1 : -1;
    const order = rows.map((row, index) => ({ row, index, value: key(row, column) }));
    order.sort((a, b) => {
      if (a.value === null || b.value === null) {
        if (a.value === b.value) return a.index - b.index;
        return a.value === null ? 1 : -1;
      }
      const c = typeof a.value === "number" ? a.value - b.value : collator.compare(a.value, b.value);
      return c !== 0 ? sign * c : a.index - b.index;
    });
    const fragment = document.createDocumentFragment();
    for (const { row } of order) fragment.appendChild(row);
    tbody.appendChild(fragment);
    headers.forEach((th, i) => (i === column ? th.setAttribute("aria-sort", direction) : th.removeAttribute("aria-sort")));
    sorted = { column, direction };
    announce(`Sorted by ${headers[column].dataset.name}, ${direction}.`);
  }

  headers.forEach((th, column) => {
    const name = th.textContent;
    th.dataset.name = name;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = name;
    const icon = document.createElement("span");
    icon.className = "sort-icon";
    icon.setAttribute("aria-hidden", "true");
    button.appendChild(icon);
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", () => sortBy(column));
  });

  function apply() {
    const words = fold(filter.value).split(/\s+/).filter((w) => w.length > 0);
    const wanted = flagFilter.value;
    let shown = 0;
    rows.forEach((row, i) => {
      const confidential = row.dataset.flag !== "";
      const flagOk = wanted === "" || (wanted === "confidential" ? confidential : !confidential);
      const visible = flagOk && words.every((w) => searchable[i].includes(w));
      row.hidden = !visible;
      if (visible) shown++;
    });
    announce();
    return shown;
  }

  function announce(prefix = "") {
    const shown = rows.filter((r) => !r.hidden).length;
    count.textContent = `${prefix ? prefix + " " : ""}Showing ${shown.toLocaleString("en")} of ${rows.length.toLocaleString("en")} rows.`;
  }

  let timer;
  filter.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 120);
  });
  flagFilter.addEventListener("change", apply);
  tools.hidden = false;
  announce();
  table.dataset.enhanced = "true";
}
