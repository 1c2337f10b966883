// The overview: one queue's (or every queue's) last hour as charts, from GET /timeline, refreshed live.
import { api, isAbort, isMissingRoute } from "./api.js";
import { lines, stackedColumns } from "./charts.js";
import { errorText, formatSeconds, h, hashFor, keepingFocus, labelled, localTime } from "./dom.js";

const POLL_MS = 5000;
const MINUTES = 60;
const OUTCOMES = [
  ["done", "Done"],
  ["failed", "Failed"],
  ["dead", "Dead"],
  ["cancelled", "Cancelled"],
];

const seconds = (value) => (value >= 60 ? formatSeconds(value) : `${Number(value.toFixed(value < 10 ? 2 : 1))}s`);
const count = (value) => String(Math.round(value));
const latest = (values) => [...values].reverse().find((value) => value !== null) ?? null;

function finishedChart(times, minutes) {
  const series = OUTCOMES.map(([state, name]) => ({
    name,
    className: `fill-${state}`,
    values: minutes.map((minute) => Number(minute.finished?.[state] ?? 0)),
  }));
  const total = series.reduce((sum, one) => sum + one.values.reduce((a, b) => a + b, 0), 0);
  const parts = series.map((one) => `${one.values.reduce((a, b) => a + b, 0)} ${one.name.toLowerCase()}`);
  return stackedColumns({
    id: "chart-finished",
    title: "Finished per minute, by outcome",
    times,
    series,
    format: count,
    summary: `${total} tasks finished in the last ${MINUTES} minutes: ${parts.join(", ")}. This minute so far: ${series.map((one) => one.values.at(-1)).reduce((a, b) => a + b, 0)}.`,
  });
}

function percentileChart(id, title, field, times, minutes, what) {
  const series = [
    { name: "p50", className: "line-p50", values: minutes.map((minute) => minute[field]?.p50 ?? null) },
    { name: "p95", className: "line-p95", values: minutes.map((minute) => minute[field]?.p95 ?? null) },
  ];
  const [p50, p95] = series.map((one) => latest(one.values));
  return lines({
    id,
    title,
    times,
    series,
    format: seconds,
    summary:
      p50 === null
        ? `No claims sampled in the last ${MINUTES} minutes.`
        : `${what}; latest sampled minute: p50 ${seconds(p50)}, p95 ${seconds(p95)}.`,
  });
}

function gaugeChart(id, title, name, values, times, format, describe, { whole = false } = {}) {
  const series = [{ name, className: "line-gauge", values }];
  const now = latest(values);
  const peak = Math.max(0, ...values.filter((value) => value !== null));
  return lines({
    id,
    title,
    times,
    series,
    format,
    whole,
    summary: now === null ? `Not sampled in the last ${MINUTES} minutes.` : describe(now, peak),
  });
}

function charts(minutes) {
  const times = minutes.map((minute) => new Date(minute.start));
  const sampled = (field) => minutes.map((minute) => (minute.sampled_at ? minute[field] ?? null : null));
  return [
    finishedChart(times, minutes),
    percentileChart("chart-claim-latency", "Claim latency (enqueued → claimed)", "claim_latency", times, minutes, "Time from enqueue to claim"),
    percentileChart("chart-schedule-to-start", "Schedule-to-start delay (run at → claimed)", "schedule_to_start", times, minutes, "Time from run_at to claim"),
    gaugeChart("chart-queued", "Queued tasks", "Queued", sampled("queued"), times, count, (now, peak) => `${now} queued at the last sample; at most ${peak} in the last ${MINUTES} minutes.`, { whole: true }),
    gaugeChart(
      "chart-oldest",
      "Oldest queued task's age (since due)",
      "Age",
      minutes.map((minute) => (minute.sampled_at ? minute.oldest_queued_age_seconds ?? 0 : null)),
      times,
      seconds,
      (now, peak) => `The head of the backlog had waited ${seconds(now)} at the last sample; at most ${seconds(peak)} in the last ${MINUTES} minutes.`,
    ),
  ];
}

export async function renderOverview(root, { context, params }) {
  const queue = (params.get("queue") ?? "").trim();
  const picker = h("select", { name: "queue" }, h("option", { value: "" }, "All queues"));
  if (queue) picker.append(h("option", { value: queue, selected: true }, queue));
  picker.addEventListener("change", () => {
    location.hash = hashFor(["overview"], [["queue", picker.value]]);
  });
  const status = h("p", { class: "muted", id: "overview-status", "aria-live": "polite" }, "Loading…");
  const grid = h("div", { class: "chart-grid", id: "overview-charts" });
  root.append(
    h(
      "div",
      { class: "heading" },
      h("h1", { tabindex: -1 }, queue ? `Overview of ${queue}` : "Overview"),
      h("form", { class: "scope", "aria-label": "Overview scope" }, labelled("overview-queue", "Queue", picker)),
      status,
    ),
    grid,
  );
  api
    .queues(context.signal)
    .then(({ data }) => {
      for (const entry of data?.queues ?? []) {
        if (entry.queue !== queue) picker.append(h("option", { value: entry.queue }, entry.queue));
      }
    })
    .catch(() => {});

  async function refresh() {
    let data;
    try {
      ({ data } = await api.timeline(queue, MINUTES, context.signal));
    } catch (error) {
      if (isAbort(error)) throw error;
      if (isMissingRoute(error)) {
        status.textContent = "This server has no timeline (GET /timeline answered 404).";
        return false;
      }
      status.textContent = `Could not load the timeline: ${errorText(error)} (retrying)`;
      return true;
    }
    const open = new Set([...grid.querySelectorAll("details[open]")].map((el) => el.closest("figure")?.id));
    keepingFocus(grid, () => grid.replaceChildren(...charts(data?.minutes ?? [])));
    for (const id of open) grid.querySelector(`#${id} details`)?.setAttribute("open", "");
    grid.dataset.updated = new Date().toISOString();
    status.textContent = `Last ${MINUTES} minutes · updated ${localTime(new Date().toISOString(), { timeOnly: true })} · refreshes every ${POLL_MS / 1000} s`;
    return true;
  }

  await context.poll(POLL_MS, refresh);
}
