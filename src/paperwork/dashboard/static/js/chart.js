// The per-day chart, drawn as SVG: one stacked bar per day, a segment per portal, a legend, and
// the same numbers as a table for those who would rather read them (or cannot see the chart).

import { PORTALS, formatNumber, h, svg } from "./dom.js";

const COLORS = { bizinfo: "#2563eb", kstartup: "#ea580c", mss: "#0d9488" };
const SPARE_COLORS = ["#7c3aed", "#db2777", "#65a30d", "#475569"];

function colorFor(portalId, index) {
  return COLORS[portalId] || SPARE_COLORS[index % SPARE_COLORS.length];
}

function nameOf(portal) {
  return PORTALS[portal.portal_id] || portal.portal_name;
}

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  for (const factor of [1, 2, 5, 10]) {
    if (raw <= factor * power) return factor * power;
  }
  return 10 * power;
}

function dayLabel(isoDate) {
  const [, month, day] = isoDate.split("-").map(Number);
  return `${month}/${day}`;
}

function longDayLabel(isoDate) {
  const [, month, day] = isoDate.split("-").map(Number);
  return `${month}월 ${day}일`;
}

function draw(data, width) {
  const height = width < 500 ? 190 : 240;
  const margin = { top: 12, right: 18, bottom: 28, left: 36 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const days = data.series;
  const largest = Math.max(1, ...days.map((day) => day.total));
  const step = niceStep(largest / 4);
  const top = Math.ceil(largest / step) * step;
  const y = (value) => margin.top + plotHeight - (value / top) * plotHeight;
  const band = plotWidth / days.length;
  const barWidth = Math.max(1, band * 0.72);

  const titleId = `chart-title-${data.start_date}`;
  const chart = svg("svg", {
    class: "chart-svg",
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: "img",
    "aria-labelledby": titleId,
  });
  chart.append(svg("title", { id: titleId }, summaryText(data)));

  const grid = svg("g", { class: "chart-grid" });
  for (let value = 0; value <= top; value += step) {
    const lineY = y(value);
    grid.append(
      svg("line", { x1: margin.left, x2: width - margin.right, y1: lineY, y2: lineY }),
      svg("text", { x: margin.left - 6, y: lineY + 4, "text-anchor": "end" }, formatNumber(value)),
    );
  }
  chart.append(grid);

  const bars = svg("g", { class: "chart-bars" });
  days.forEach((day, index) => {
    let stacked = 0;
    const x = margin.left + index * band + (band - barWidth) / 2;
    data.portals.forEach((portal, portalIndex) => {
      const count = day.counts[portal.portal_id] || 0;
      if (!count) return;
      const y0 = y(stacked);
      stacked += count;
      const y1 = y(stacked);
      bars.append(
        svg(
          "rect",
          {
            class: "bar",
            x: x.toFixed(2),
            y: y1.toFixed(2),
            width: barWidth.toFixed(2),
            height: Math.max(1, y0 - y1).toFixed(2),
            fill: colorFor(portal.portal_id, portalIndex),
            dataset: { date: day.date, portal: portal.portal_id, count: String(count) },
          },
          svg("title", {}, `${longDayLabel(day.date)} · ${nameOf(portal)} ${formatNumber(count)}건`),
        ),
      );
    });
  });
  chart.append(bars);

  const axis = svg("g", { class: "chart-axis" });
  const every = Math.max(1, Math.ceil(days.length / Math.max(1, Math.floor(plotWidth / 44))));
  days.forEach((day, index) => {
    const fromEnd = days.length - 1 - index;
    if (fromEnd % every !== 0) return; // label today, then every few days back
    const x = margin.left + index * band + band / 2;
    axis.append(svg("text", { x: x.toFixed(2), y: height - 8, "text-anchor": "middle" }, dayLabel(day.date)));
  });
  axis.append(
    svg("line", {
      x1: margin.left, x2: width - margin.right,
      y1: margin.top + plotHeight, y2: margin.top + plotHeight,
    }),
  );
  chart.append(axis);
  return chart;
}

function summaryText(data) {
  const parts = data.portals.map((portal) => `${nameOf(portal)} ${formatNumber(portal.total)}건`);
  return `${data.start_date}부터 ${data.end_date}까지 새로 수집된 지원사업 ${formatNumber(data.total)}건 (${parts.join(", ")})`;
}

function legend(data) {
  return h(
    "ul",
    { class: "chart-legend" },
    data.portals.map((portal, index) =>
      h(
        "li",
        { dataset: { portal: portal.portal_id } },
        h("span", { class: "swatch", "aria-hidden": "true", dataset: { color: colorFor(portal.portal_id, index) } }),
        `${nameOf(portal)} `,
        h("strong", {}, `${formatNumber(portal.total)}건`),
      ),
    ),
  );
}

function table(data) {
  const head = h("tr", {}, h("th", { scope: "col" }, "날짜"),
    data.portals.map((portal) => h("th", { scope: "col" }, nameOf(portal))),
    h("th", { scope: "col" }, "합계"));
  const rows = [...data.series].reverse().map((day) =>
    h("tr", {}, h("th", { scope: "row" }, day.date),
      data.portals.map((portal) => h("td", { class: "num" }, formatNumber(day.counts[portal.portal_id] || 0))),
      h("td", { class: "num" }, formatNumber(day.total))));
  return h(
    "details",
    { class: "chart-table" },
    h("summary", {}, "표로 보기"),
    h("div", { class: "table-wrap" }, h("table", { class: "table" }, h("thead", {}, head), h("tbody", {}, rows))),
  );
}

/** Draw into ``container``; redraws when the width changes. Returns a cleanup function. */
export function renderDailyChart(container, data) {
  const area = h("div", { class: "chart-area" });
  const items = legend(data);
  container.replaceChildren(area, items, table(data));
  // Swatch colours are set through the CSSOM: the page's CSP allows no inline style attributes.
  for (const swatch of items.querySelectorAll(".swatch")) swatch.style.backgroundColor = swatch.dataset.color;

  let drawnWidth = 0;
  let frame = 0;
  const redraw = () => {
    frame = 0;
    const width = Math.max(260, Math.floor(area.clientWidth));
    if (width === drawnWidth) return;
    drawnWidth = width;
    area.replaceChildren(draw(data, width));
  };
  const onResize = () => {
    if (!frame) frame = window.requestAnimationFrame(redraw);
  };
  redraw();
  window.addEventListener("resize", onResize);
  return () => {
    window.removeEventListener("resize", onResize);
    if (frame) window.cancelAnimationFrame(frame);
  };
}
