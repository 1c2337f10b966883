// DOM building without HTML parsing: every value reaches the page as a text node or an attribute value.

export const STATES = ["queued", "claimed", "failed", "done", "dead", "cancelled"];

export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") element.className = value;
    else if (name === "dataset") Object.assign(element.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "href") element.setAttribute("href", safeHref(value));
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// Only in-app hash links are ever built from data.
function safeHref(value) {
  const text = String(value);
  if (!text.startsWith("#")) throw new Error(`refusing a non-hash link: ${text}`);
  return text;
}

export function hashFor(path, pairs = []) {
  const encoded = path.map((part) => encodeURIComponent(String(part))).join("/");
  const query = new URLSearchParams();
  for (const [name, value] of pairs) {
    if (value !== undefined && value !== null && value !== "") query.append(name, String(value));
  }
  const text = query.toString();
  return `#/${encoded}${text ? `?${text}` : ""}`;
}

export function taskHash(queue, id) {
  return hashFor(["task", queue, id]);
}

export function badge(state, extraClass = "") {
  const known = STATES.includes(state) ? state : "other";
  return h("span", { class: `badge state-${known} ${extraClass}`.trim() }, state ?? "—");
}

export function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function relativeTime(iso, now = Date.now()) {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return "";
  const seconds = Math.round((at - now) / 1000);
  const span = formatSeconds(Math.abs(seconds));
  if (Math.abs(seconds) < 1) return "now";
  return seconds < 0 ? `${span} ago` : `in ${span}`;
}

export function formatSeconds(total) {
  if (total === null || total === undefined || Number.isNaN(Number(total))) return "—";
  let rest = Math.max(0, Math.round(Number(total)));
  if (rest < 60) return `${rest}s`;
  const days = Math.floor(rest / 86400);
  rest -= days * 86400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const seconds = rest - minutes * 60;
  if (days) return `${days}d ${hours}h`;
  if (hours) return `${hours}h ${minutes}m`;
  return `${minutes}m ${seconds}s`;
}

export function localTime(iso, { timeOnly = false } = {}) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return String(iso);
  if (timeOnly) return at.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return at.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

// A timestamp: local time, with the relative time beside it and the exact value as a tooltip.
export function timeEl(iso, { relative = true, timeOnly = false } = {}) {
  if (!iso) return h("span", { class: "muted" }, "—");
  return h(
    "time",
    { datetime: iso, title: iso },
    localTime(iso, { timeOnly }),
    relative ? h("span", { class: "muted rel" }, ` (${relativeTime(iso)})`) : null,
  );
}

export function jsonBlock(value, label) {
  if (value === undefined || value === null) return h("p", { class: "muted" }, "None");
  return h("pre", { class: "json", tabindex: 0, "aria-label": label }, JSON.stringify(value, null, 2));
}

export function inlineJson(value) {
  return h("code", { class: "inline-json" }, JSON.stringify(value));
}

export function definitionList(rows) {
  const list = h("dl", { class: "facts" });
  for (const [term, value] of rows) {
    list.append(h("dt", {}, term), h("dd", {}, value ?? h("span", { class: "muted" }, "—")));
  }
  return list;
}

export function labelled(id, text, control, hint) {
  control.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, text), control, hint ? h("small", { class: "muted" }, hint) : null);
}

// Rebuild part of the page without losing keyboard focus: the focused element's data-focus-key is
// looked up again afterwards.
export function keepingFocus(container, rebuild) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.focusKey : undefined;
  rebuild();
  if (key) {
    const again = [...container.querySelectorAll("[data-focus-key]")].find((el) => el.dataset.focusKey === key);
    again?.focus();
  }
}

export function errorText(error) {
  return error && error.message ? error.message : String(error);
}
