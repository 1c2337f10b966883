import { api, isAbort } from "./api.js";
import { renderBulkPanel } from "./bulk.js";
import { linkedBars } from "./charts.js";
import { taskTable } from "./tasktable.js";
import { STATES, capitalise, errorText, h, hashFor, labelled } from "./dom.js";

const PAGE_SIZES = [20, 50, 100, 200];
// sort value -> [label, what the default (descending) order shows first, what ascending shows first].
const SORTS = {
  created: ["Created", "newest first", "oldest first"],
  run_at: ["Run at", "latest run_at first", "earliest run_at first"],
  priority: ["Priority", "highest priority first", "lowest priority first"],
  finished: ["Finished (last change)", "latest finished first", "earliest finished first"],
};

function splitList(values) {
  return values
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean);
}

function isoOrEmpty(value) {
  if (!value) return "";
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? "" : at.toISOString();
}

// "2026-11-23T15:14:36.801Z" -> "2026-11-23T16:14" in the browser's zone, for <input type=datetime-local>.
function toLocalInput(iso) {
  const at = new Date(iso);
  if (!iso || Number.isNaN(at.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

// The applied filters live in the hash (#/tasks?queue=a&state=dead...), so a search can be bookmarked.
export function filtersFrom(params) {
  const limit = Number.parseInt(params.get("limit") ?? "", 10);
  return {
    queues: splitList(params.getAll("queue")),
    states: params.getAll("state").filter((state) => STATES.includes(state)),
    kinds: splitList(params.getAll("kind")),
    worker_id: (params.get("worker_id") ?? "").trim(),
    recurring_task_id: (params.get("recurring_task_id") ?? "").trim(),
    created_after: isoOrEmpty(params.get("created_after")),
    created_before: isoOrEmpty(params.get("created_before")),
    error_text: (params.get("error_text") ?? "").trim(),
    text: (params.get("text") ?? "").trim(),
    include_archive: params.get("include_archive") === "1",
    limit: PAGE_SIZES.includes(limit) ? limit : 50,
    sort: Object.hasOwn(SORTS, params.get("sort") ?? "") ? params.get("sort") : "created",
    order: params.get("order") === "asc" ? "asc" : "desc",
  };
}

function filterPairs(filters) {
  return [
    ...filters.queues.map((queue) => ["queue", queue]),
    ...filters.states.map((state) => ["state", state]),
    ...filters.kinds.map((kind) => ["kind", kind]),
    ["worker_id", filters.worker_id],
    ["recurring_task_id", filters.recurring_task_id],
    ["created_after", filters.created_after],
    ["created_before", filters.created_before],
    ["error_text", filters.error_text],
    ["text", filters.text],
  ];
}

// Defaults are left out, so the plain search keeps its plain URL.
function sortPairs(filters) {
  return [
    ["sort", filters.sort === "created" ? "" : filters.sort],
    ["order", filters.order === "desc" ? "" : filters.order],
  ];
}

function hashPairs(filters) {
  return [
    ...filterPairs(filters),
    ...sortPairs(filters),
    ["include_archive", filters.include_archive ? "1" : ""],
    ["limit", filters.limit === 50 ? "" : filters.limit],
  ];
}

function orderDescription(filters) {
  const [, descending, ascending] = SORTS[filters.sort];
  return filters.order === "asc" ? ascending : descending;
}

function searchForm(filters) {
  const text = (name, value, placeholder) =>
    h("input", { type: "text", name, value, placeholder, autocomplete: "off", spellcheck: "false" });
  const queue = text("queue", filters.queues.join(", "), "any");
  queue.setAttribute("list", "known-queues");
  queue.title = "One queue, or several separated by commas";
  const kind = text("kind", filters.kinds.join(", "), "any");
  kind.title = "One kind, or several separated by commas";
  const worker = text("worker_id", filters.worker_id, "any");
  const recurring = text("recurring_task_id", filters.recurring_task_id, "any");
  const after = h("input", { type: "datetime-local", name: "created_after", value: toLocalInput(filters.created_after) });
  const before = h("input", { type: "datetime-local", name: "created_before", value: toLocalInput(filters.created_before) });
  const archive = h("input", { type: "checkbox", name: "include_archive", id: "f-archive", checked: filters.include_archive });
  const errorTextBox = text("error_text", filters.error_text, "e.g. timeout");
  errorTextBox.title = "Words in the failure data (case-insensitive)";
  const freeText = text("text", filters.text, "e.g. invoice-42");
  freeText.title = "Words in the args or the result data (case-insensitive)";
  const sort = h(
    "select",
    { name: "sort" },
    Object.entries(SORTS).map(([value, [label]]) => h("option", { value, selected: value === filters.sort }, label)),
  );
  const order = h(
    "select",
    { name: "order" },
    h("option", { value: "desc", selected: filters.order === "desc" }, "Descending"),
    h("option", { value: "asc", selected: filters.order === "asc" }, "Ascending"),
  );
  const limit = h(
    "select",
    { name: "limit" },
    PAGE_SIZES.map((size) => h("option", { value: size, selected: size === filters.limit }, String(size))),
  );
  const states = h(
    "fieldset",
    { class: "states" },
    h("legend", {}, "State"),
    STATES.map((state) =>
      h(
        "label",
        { class: "check" },
        h("input", { type: "checkbox", name: "state", value: state, checked: filters.states.includes(state) }),
        ` ${capitalise(state)}`,
      ),
    ),
  );
  const datalist = h("datalist", { id: "known-queues" });
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Task filters", id: "task-filters" },
    h(
      "div",
      { class: "filter-row" },
      labelled("f-queue", "Queues", queue),
      labelled("f-kind", "Kinds", kind),
      labelled("f-worker", "Worker id", worker),
      labelled("f-recurring", "Recurring task id", recurring),
      labelled("f-after", "Created after", after),
      labelled("f-before", "Created before", before),
    ),
    h(
      "div",
      { class: "filter-row" },
      labelled("f-error-text", "Error text", errorTextBox),
      labelled("f-text", "Text in args or results", freeText),
      labelled("f-sort", "Sort by", sort),
      labelled("f-order", "Order", order),
    ),
    h(
      "div",
      { class: "filter-row" },
      states,
      h("div", { class: "field inline" }, archive, h("label", { for: "f-archive" }, "Include archive")),
      labelled("f-limit", "Page size", limit),
      h(
        "div",
        { class: "buttons" },
        h("button", { type: "submit" }, "Search"),
        h("button", { type: "button", class: "secondary", id: "f-clear" }, "Clear filters"),
      ),
    ),
    datalist,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const applied = filtersFrom(
      new URLSearchParams([
        ...splitList(data.getAll("queue")).map((v) => ["queue", v]),
        ...data.getAll("state").map((v) => ["state", v]),
        ...splitList(data.getAll("kind")).map((v) => ["kind", v]),
        ["worker_id", data.get("worker_id") ?? ""],
        ["recurring_task_id", data.get("recurring_task_id") ?? ""],
        ["created_after", isoOrEmpty(data.get("created_after"))],
        ["created_before", isoOrEmpty(data.get("created_before"))],
        ["error_text", data.get("error_text") ?? ""],
        ["text", data.get("text") ?? ""],
        ["sort", data.get("sort") ?? ""],
        ["order", data.get("order") ?? ""],
        ["include_archive", data.get("include_archive") ? "1" : ""],
        ["limit", data.get("limit") ?? ""],
      ]),
    );
    const target = hashFor(["tasks"], hashPairs(applied));
    if (target === location.hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = target;
  });
  form.querySelector("#f-clear").addEventListener("click", () => {
    if (location.hash === "#/tasks") window.dispatchEvent(new HashChangeEvent("hashchange"));
    else location.hash = "#/tasks";
  });
  return { form, datalist };
}

export async function renderTasks(root, { context, params, flash }) {
  const filters = filtersFrom(params);
  const { form, datalist } = searchForm(filters);
  const status = h("p", { class: "muted", id: "results-status", "aria-live": "polite" });
  const results = h("div", { id: "task-results" });
  const previous = h("button", { type: "button", class: "secondary", id: "page-previous", disabled: true }, "← Previous page");
  const next = h("button", { type: "button", class: "secondary", id: "page-next", disabled: true }, "Next page →");
  const refreshButton = h("button", { type: "button", class: "secondary", id: "results-refresh" }, "Refresh");
  const pager = h("nav", { class: "pager", "aria-label": "Result pages" }, previous, next, refreshButton);

  const summary = h("div", { class: "search-summary", id: "search-summary", hidden: true });

  root.append(
    h("div", { class: "heading" }, h("h1", { tabindex: -1 }, "Tasks")),
    form,
    summary,
    h("section", { "aria-labelledby": "results-heading" }, h("h2", { id: "results-heading", class: "sr-only" }, "Results"), status, results, pager),
  );

  // Cursor paging: cursors[i] fetches page i; the first page has none.
  const cursors = [null];
  let page = 0;
  let loading = 0;

  async function load(index) {
    const ticket = ++loading;
    status.textContent = "Searching…";
    previous.disabled = next.disabled = true;
    const query = [
      ...filterPairs(filters),
      ...sortPairs(filters),
      ["include_archive", filters.include_archive ? "true" : ""],
      ["limit", filters.limit],
      ["cursor", cursors[index]],
    ];
    let data;
    try {
      ({ data } = await api.search(query, context.signal));
    } catch (error) {
      if (isAbort(error)) return;
      if (ticket !== loading) return;
      status.textContent = `Search failed: ${errorText(error)}`;
      previous.disabled = page === 0;
      return;
    }
    if (ticket !== loading) return;
    page = index;
    const tasks = data.tasks ?? [];
    if (data.next_cursor) cursors[index + 1] = data.next_cursor;
    else cursors.length = index + 1;
    const first = index * filters.limit + 1;
    status.textContent = tasks.length
      ? `Tasks ${first}–${first + tasks.length - 1}${data.next_cursor ? "" : " (last page)"}, ${orderDescription(filters)}`
      : index === 0
        ? "No task matches these filters."
        : "No more tasks.";
    results.replaceChildren(tasks.length ? taskTable(tasks, `Tasks ${first} to ${first + tasks.length - 1}`) : "");
    previous.disabled = page === 0;
    next.disabled = !cursors[page + 1];
  }

  previous.addEventListener("click", () => load(Math.max(0, page - 1)));
  next.addEventListener("click", () => load(page + 1));
  refreshButton.addEventListener("click", () => load(page));

  // Bulk queries take every search filter, so "all matching tasks" are exactly the tasks listed here.
  root.append(
    renderBulkPanel({
      context,
      flash,
      query: bulkQuery(filters),
      includeArchive: filters.include_archive,
      onFinished: () => load(page),
    }),
  );

  api
    .queues(context.signal)
    .then(({ data }) => {
      for (const queue of data?.queues ?? []) datalist.append(h("option", { value: queue.queue }));
    })
    .catch(() => {});

  loadSummary(summary, filters, context.signal);
  await load(0);
}

const SUMMARIES = [
  ["kind", "By kind"],
  ["error_class", "By error class"],
];
// Error classes the failure data does not spell out (app/domain/error_classes.py): no text to search for.
const DERIVED_ERROR_CLASSES = new Set(["timed_out", "given_up", "unclassified"]);

// Counts over everything the filters select (not just this page), from the search's aggregations.
async function loadSummary(summary, filters, signal) {
  const query = [
    ...filterPairs(filters),
    ["include_archive", filters.include_archive ? "true" : ""],
    ["aggs", SUMMARIES.map(([name]) => name).join(",")],
    ["limit", 0],
  ];
  let found;
  try {
    ({ data: { aggregations: found } = {} } = await api.search(query, signal));
  } catch {
    return; // a server without aggregations, or a failed search: the results say what went wrong
  }
  if (!found) return;
  summary.replaceChildren(...SUMMARIES.map(([name, title]) => summaryPanel(name, title, found[name], filters)));
  summary.hidden = false;
}

// Where clicking a bar leads: these filters narrowed to the bar's kind, or to the failed and dead tasks
// whose failure data names its error class (error text search; derived classes have no text, no link).
function barTarget(name, key, filters) {
  if (name === "kind") return hashFor(["tasks"], hashPairs({ ...filters, kinds: [key] }));
  if (DERIVED_ERROR_CLASSES.has(key)) return null;
  const states = filters.states.length ? filters.states.filter((state) => ["failed", "dead"].includes(state)) : ["failed", "dead"];
  return hashFor(["tasks"], hashPairs({ ...filters, states, error_text: key }));
}

function summaryPanel(name, title, terms, filters) {
  const buckets = Array.isArray(terms?.buckets) ? terms.buckets : [];
  const headingId = `summary-${name}`;
  const other = Number(terms?.other ?? 0);
  const bars = buckets.map((bucket) => ({
    key: bucket.key,
    count: Number(bucket.count),
    href: barTarget(name, bucket.key, filters),
    className: name === "error_class" ? "fill-dead" : "fill-kind",
  }));
  const noun = name === "kind" ? "tasks of kind" : "tasks in error class";
  return h(
    "section",
    {
      "aria-labelledby": headingId,
      dataset: { aggregation: name },
      title: name === "error_class" ? "Failed and dead tasks, by the error class their failure data names" : null,
    },
    h("h3", { id: headingId }, title),
    bars.length
      ? linkedBars({
          id: `bars-${name}`,
          title: `${title}: ${bars.map((bar) => `${bar.key} ${bar.count}`).join(", ")}`,
          buckets: bars,
          describe: (bar) => `${bar.count} ${noun} ${bar.key}${bar.href ? ": show them" : ""}`,
        })
      : h("p", { class: "muted" }, "none"),
    other ? h("p", { class: "muted", dataset: { key: "" } }, `and ${other} more in other ${name === "kind" ? "kinds" : "classes"}`) : null,
  );
}

// The search's filters as the bulk query object (POST /tasques/_search's names): lists stay lists.
function bulkQuery(filters) {
  const query = {};
  for (const [name, value] of filterPairs(filters)) {
    if (!value) continue;
    if (["queue", "state", "kind"].includes(name)) (query[name] ??= []).push(value);
    else query[name] = value;
  }
  return query;
}
