import { api, isAbort, isMissingRoute } from "./api.js";
import { STATES, capitalise, errorText, formatSeconds, h, hashFor, keepingFocus, localTime } from "./dom.js";

const POLL_MS = 3000;

const FINISHED = ["done", "failed", "dead", "cancelled"];

// "2 done, 1 dead" per window (GET /queues' throughput); servers without it show a dash.
function throughputCell(throughput) {
  if (!Array.isArray(throughput) || throughput.length === 0) return h("span", { class: "muted" }, "—");
  return throughput.map((window, index) => {
    const parts = FINISHED.filter((state) => Number(window[state] ?? 0) > 0).map((state) => `${window[state]} ${state}`);
    const minutes = Math.round(Number(window.window_seconds) / 60);
    return [
      index ? " / " : "",
      h(
        "span",
        {
          class: `throughput${parts.length ? "" : " zero"}`,
          dataset: { window: window.window_seconds },
          title: `Finished in the last ${minutes} min`,
        },
        parts.length ? parts.join(", ") : "0",
      ),
    ];
  });
}

export async function renderQueues(root, { context, flash }) {
  const updated = h("p", { class: "muted", id: "queues-status" }, "Loading…");
  const body = h("tbody");
  const table = h(
    "table",
    { class: "data", id: "queues-table" },
    h("caption", { class: "sr-only" }, "Queues with their task counts by state"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, "Queue"),
        STATES.map((state) => h("th", { scope: "col", class: "num" }, capitalise(state))),
        h("th", { scope: "col" }, "Oldest queued"),
        h("th", { scope: "col", title: "Tasks that finished in the last 1 and 5 minutes (archived ones too)" }, "Finished (1 / 5 min)"),
        h("th", { scope: "col" }, "Status"),
        h("th", { scope: "col" }, "Actions"),
      ),
    ),
    body,
  );
  const empty = h("p", { class: "empty", hidden: true }, "No queues yet: a queue appears once a task is enqueued on it.");
  root.append(
    h("div", { class: "heading" }, h("h1", { tabindex: -1 }, "Queues"), updated),
    table,
    empty,
  );

  async function toggle(queue, paused, button) {
    button.disabled = true;
    try {
      await (paused ? api.resumeQueue(queue) : api.pauseQueue(queue));
      flash(`Queue ${queue} ${paused ? "resumed" : "paused"}.`);
    } catch (error) {
      flash(`Could not ${paused ? "resume" : "pause"} queue ${queue}: ${errorText(error)}`, "error");
    }
    await refresh().catch(() => {});
  }

  function row(queue) {
    const name = queue.queue;
    const counts = queue.counts ?? {};
    const paused = Boolean(queue.paused);
    return h(
      "tr",
      { dataset: { queue: name }, class: paused ? "paused" : null },
      h(
        "th",
        { scope: "row" },
        h("a", { href: hashFor(["tasks"], [["queue", name]]), dataset: { focusKey: `queue:${name}` } }, name),
        " ",
        h("a", { href: hashFor(["overview"], [["queue", name]]), class: "muted small-link", "aria-label": `Charts of ${name}` }, "charts"),
      ),
      STATES.map((state) => {
        const count = Number(counts[state] ?? 0);
        return h(
          "td",
          { class: `num${count ? "" : " zero"}`, dataset: { state } },
          count
            ? h(
                "a",
                {
                  href: hashFor(["tasks"], [["queue", name], ["state", state]]),
                  "aria-label": `${count} ${state} in ${name}`,
                  dataset: { focusKey: `count:${name}:${state}` },
                },
                String(count),
              )
            : "0",
        );
      }),
      h(
        "td",
        { dataset: { field: "oldest" } },
        queue.oldest_queued_age_seconds === null || queue.oldest_queued_age_seconds === undefined
          ? h("span", { class: "muted" }, "—")
          : formatSeconds(queue.oldest_queued_age_seconds),
      ),
      h("td", { dataset: { field: "throughput" } }, throughputCell(queue.throughput)),
      h(
        "td",
        { dataset: { field: "status" } },
        h("span", { class: `badge ${paused ? "state-paused" : "state-active"}` }, paused ? "paused" : "active"),
      ),
      h(
        "td",
        {},
        h(
          "button",
          {
            type: "button",
            class: paused ? "secondary" : "warning",
            "aria-label": `${paused ? "Resume" : "Pause"} queue ${name}`,
            dataset: { focusKey: `toggle:${name}` },
            onclick: (event) => toggle(name, paused, event.currentTarget),
          },
          paused ? "Resume" : "Pause",
        ),
      ),
    );
  }

  async function refresh() {
    let data;
    try {
      ({ data } = await api.queues(context.signal));
    } catch (error) {
      if (isAbort(error)) throw error;
      if (error.status === 401) {
        updated.textContent = "Sign in to see the queues.";
        return false;
      }
      if (isMissingRoute(error)) {
        updated.textContent = "This server has no queue overview (GET /queues answered 404).";
        return false;
      }
      updated.textContent = `Could not load the queues: ${errorText(error)} (retrying)`;
      updated.classList.add("error");
      return true;
    }
    const queues = Array.isArray(data?.queues) ? data.queues : [];
    keepingFocus(body, () => body.replaceChildren(...queues.map(row)));
    empty.hidden = queues.length > 0;
    updated.classList.remove("error");
    updated.textContent = `${queues.length} queue${queues.length === 1 ? "" : "s"} · updated ${localTime(new Date().toISOString())} · refreshes every ${POLL_MS / 1000} s`;
    return true;
  }

  await context.poll(POLL_MS, refresh);
}
