// Live vega-lite charts: the same specs the build rendered to static SVG, drawn by vega in the
// browser (tooltips). vega and vega-lite are the UMD builds the page loads from vendor/ (no CDN).

/** Renders a vega-lite spec into `container` as SVG; resolves once it is drawn. */
export async function renderSpec(container, spec) {
  const { vega, vegaLite } = globalThis;
  if (!vega || !vegaLite) throw new Error("the chart libraries (vendor/vega, vendor/vega-lite) did not load");
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "svg", container, hover: true });
  await view.runAsync();
  return view;
}

/** Replaces each static chart of the page by its live view; the static SVG stays if vega fails. */
export async function upgradeFigures(root = document) {
  for (const figure of root.querySelectorAll("figure[data-chart]")) {
    const live = figure.querySelector(".chart-live");
    const still = figure.querySelector(".chart-static");
    try {
      const spec = JSON.parse(figure.querySelector('script[type="application/json"]').textContent);
      await renderSpec(live, spec);
      live.hidden = false;
      still.hidden = true;
      figure.dataset.rendered = "live";
    } catch (error) {
      figure.dataset.rendered = "static";
      console.error(`chart ${figure.id}:`, error);
    }
  }
}
