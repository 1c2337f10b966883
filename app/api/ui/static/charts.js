// Charts as plain SVG built with the DOM (no library, nothing to vendor, works offline): each chart is a
// <figure> whose <svg role="img"> carries a <title> and a one-sentence <desc> summary, followed by the
// full figures in a <details> table, so screen readers and keyboard users get the same data as the picture.
// Colours come from app.css classes (the CSP allows no inline styles).
import { h } from "./dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 560;
const HEIGHT = 190;
const PAD = { left: 52, right: 12, top: 10, bottom: 26 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

let chartCount = 0;

export function s(tag, attrs = {}, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "href" && !String(value).startsWith("#")) throw new Error(`refusing a non-hash link: ${value}`);
    element.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// 0, then a round step (1, 2 or 5 times a power of ten) so that three steps cover max; counts
// (whole) never get a step below 1.
function niceTop(max, { whole = false } = {}) {
  if (!(max > 0)) return 3;
  if (whole && max <= 3) return 3;
  const rough = max / 3;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= rough);
  return step * 3;
}

function clock(date) {
  return date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
}

function yAxis(top, format) {
  return [0, 1, 2, 3].map((index) => {
    const value = (top * index) / 3;
    const y = PAD.top + PLOT_H - (PLOT_H * index) / 3;
    return s(
      "g",
      { class: "tick", "aria-hidden": "true" },
      s("line", { x1: PAD.left, x2: WIDTH - PAD.right, y1: y, y2: y, class: index ? "grid" : "axis" }),
      s("text", { x: PAD.left - 6, y: y + 4, "text-anchor": "end" }, format(value)),
    );
  });
}

function xAxis(times) {
  const step = Math.max(1, Math.ceil(times.length / 5));
  const labels = [];
  for (let index = times.length - 1; index >= 0; index -= step) {
    const x = PAD.left + ((index + 0.5) * PLOT_W) / times.length;
    labels.push(s("text", { x, y: HEIGHT - 8, "text-anchor": "middle", "aria-hidden": "true" }, clock(times[index])));
  }
  return labels;
}

function legend(series) {
  return h(
    "ul",
    { class: "legend", "aria-hidden": "true" },
    series.map((one) => h("li", {}, h("span", { class: `swatch ${one.className}` }), one.name)),
  );
}

function dataTable(title, times, series, format) {
  return h(
    "details",
    { class: "chart-data" },
    h("summary", {}, "Show the figures"),
    h(
      "div",
      { class: "scroll", tabindex: 0, role: "region", "aria-label": `${title}: figures` },
      h(
      "table",
      { class: "data compact" },
      h("caption", { class: "sr-only" }, title),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Minute"), series.map((one) => h("th", { scope: "col", class: "num" }, one.name)))),
      h(
        "tbody",
        {},
        times.map((time, index) =>
          h(
            "tr",
            {},
            h("th", { scope: "row" }, h("time", { datetime: time.toISOString() }, clock(time))),
            series.map((one) => h("td", { class: "num" }, one.values[index] === null ? "—" : format(one.values[index]))),
          ),
        ),
      ),
    ),
    ),
  );
}

function figure({ id, title, summary, series, svgChildren, times, format }) {
  const titleId = `chart-${++chartCount}-title`;
  const descId = `${titleId}-desc`;
  return h(
    "figure",
    { class: "chart", id, dataset: { chart: id } },
    h("figcaption", {}, h("span", { class: "chart-title" }, title), legend(series)),
    s(
      "svg",
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img", "aria-labelledby": `${titleId} ${descId}`, class: "chart-svg" },
      s("title", { id: titleId }, title),
      s("desc", { id: descId }, summary),
      svgChildren,
    ),
    dataTable(title, times, series, format),
  );
}

// Stacked columns, one per minute: series are stacked in order, bottom first.
export function stackedColumns({ id, title, times, series, summary, format = String }) {
  const totals = times.map((_, index) => series.reduce((sum, one) => sum + (one.values[index] ?? 0), 0));
  const top = niceTop(Math.max(0, ...totals), { whole: true });
  const slot = PLOT_W / Math.max(times.length, 1);
  const columns = times.map((time, index) => {
    let base = 0;
    const parts = series.map((one) => {
      const value = one.values[index] ?? 0;
      const height = (value / top) * PLOT_H;
      const y = PAD.top + PLOT_H - ((base + value) / top) * PLOT_H;
      base += value;
      return value ? s("rect", { x: PAD.left + index * slot + slot * 0.1, y, width: slot * 0.8, height, class: one.className }) : null;
    });
    return s("g", { class: "column", "data-total": totals[index] }, parts);
  });
  return figure({ id, title, summary, series, times, format, svgChildren: [yAxis(top, format), xAxis(times), columns] });
}

// Lines over the minutes; a null value leaves a gap (a minute nobody sampled).
export function lines({ id, title, times, series, summary, format = String, whole = false }) {
  const values = series.flatMap((one) => one.values.filter((value) => value !== null));
  const top = niceTop(Math.max(0, ...values), { whole });
  const slot = PLOT_W / Math.max(times.length, 1);
  const point = (index, value) => [PAD.left + (index + 0.5) * slot, PAD.top + PLOT_H - (value / top) * PLOT_H];
  const drawn = series.map((one) => {
    let path = "";
    let pen = "M";
    const dots = [];
    one.values.forEach((value, index) => {
      if (value === null) {
        pen = "M";
        return;
      }
      const [x, y] = point(index, value);
      path += `${pen}${x.toFixed(1)},${y.toFixed(1)}`;
      pen = "L";
      dots.push(s("circle", { cx: x.toFixed(1), cy: y.toFixed(1), r: 2.2 }));
    });
    return s("g", { class: `series ${one.className}`, "data-points": dots.length }, path ? s("path", { d: path }) : null, dots);
  });
  return figure({ id, title, summary, series, times, format, svgChildren: [yAxis(top, format), xAxis(times), drawn] });
}

// Horizontal bars, largest first; every bar is a link (to href) so a click or Enter filters by its key.
export function linkedBars({ id, title, buckets, describe }) {
  const rowHeight = 24;
  const labelWidth = 150;
  const barSpace = 300;
  const height = Math.max(buckets.length, 1) * rowHeight + 4;
  const top = Math.max(1, ...buckets.map((bucket) => bucket.count));
  const titleId = `chart-${++chartCount}-title`;
  const rows = buckets.map((bucket, index) => {
    const y = index * rowHeight + 2;
    const width = Math.max(2, (bucket.count / top) * barSpace);
    const label = bucket.key.length > 22 ? `${bucket.key.slice(0, 21)}…` : bucket.key;
    const body = [
      s("title", {}, `${bucket.key}: ${bucket.count}`),
      s("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end", class: "bar-label" }, label),
      s("rect", { x: labelWidth, y: y + 3, width, height: rowHeight - 8, class: `bar ${bucket.className ?? ""}`.trim() }),
      s("text", { x: labelWidth + width + 6, y: y + 16, class: "bar-count" }, String(bucket.count)),
    ];
    return bucket.href
      ? s("a", { href: bucket.href, class: "bar-link", "aria-label": describe(bucket), "data-key": bucket.key }, body)
      : s("g", { "aria-label": describe(bucket), role: "img", "data-key": bucket.key }, body);
  });
  return s(
    "svg",
    { id, viewBox: `0 0 ${labelWidth + barSpace + 60} ${height}`, class: "bars", role: "group", "aria-labelledby": titleId },
    s("title", { id: titleId }, title),
    rows,
  );
}
