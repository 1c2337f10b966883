import { api, isAbort } from "./api.js";
import { errorText, h, hashFor, keepingFocus, localTime, timeEl } from "./dom.js";

const POLL_MS = 10000;

export async function renderRecurring(root, { context, flash }) {
  const status = h("p", { class: "muted", id: "recurring-status" }, "Loading…");
  const body = h("tbody");
  const empty = h("p", { class: "empty", hidden: true }, "No recurring task is defined.");
  root.append(
    h("div", { class: "heading" }, h("h1", { tabindex: -1 }, "Recurring tasks"), status),
    h(
      "table",
      { class: "data", id: "recurring-table" },
      h("caption", { class: "sr-only" }, "Recurring tasks with their schedules"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          ["ID", "Schedule", "Timezone", "Overlap policy", "Enqueues", "Last fire", "Next fire", "Status", "Actions"].map((name) =>
            h("th", { scope: "col" }, name),
          ),
        ),
      ),
      body,
    ),
    empty,
  );

  async function toggle(id, paused, button) {
    button.disabled = true;
    try {
      await (paused ? api.resumeRecurring(id) : api.pauseRecurring(id));
      flash(`Recurring task ${id} ${paused ? "resumed" : "paused"}.`);
    } catch (error) {
      flash(`Could not ${paused ? "resume" : "pause"} recurring task ${id}: ${errorText(error)}`, "error");
    }
    await refresh().catch(() => {});
  }

  function row(item) {
    const definition = item.task_definition ?? {};
    const paused = Boolean(item.paused);
    return h(
      "tr",
      { dataset: { recurringId: item.id }, class: paused ? "paused" : null },
      h("th", { scope: "row" }, h(
          "a",
          { href: hashFor(["tasks"], [["recurring_task_id", item.id]]), title: "Tasks it enqueued", dataset: { focusKey: `id:${item.id}` } },
          item.id,
        )),
      h("td", {}, h("code", {}, item.schedule_expression), item.jitter && item.jitter !== "0s" ? h("small", { class: "muted" }, ` ±${item.jitter}`) : null),
      h("td", {}, item.timezone ?? "UTC"),
      h(
        "td",
        {},
        item.overlap_policy ?? (item.skip_if_outstanding_tasks_exist ? "skip" : "allow_all"),
        item.catchup_window ? h("small", { class: "muted" }, ` · catch-up ${item.catchup_window}`) : null,
      ),
      h("td", {}, `${definition.queue ?? "?"} / ${definition.kind ?? "?"}`),
      h(
        "td",
        { dataset: { field: "last-fire" } },
        timeEl(item.last_fire_at),
        item.buffered_fire_at ? h("div", { class: "muted" }, "buffered: ", timeEl(item.buffered_fire_at, { relative: false })) : null,
      ),
      h("td", { dataset: { field: "next-fire" } }, "next_fire_at" in item ? timeEl(item.next_fire_at) : h("span", { class: "muted" }, "—")),
      h("td", {}, h("span", { class: `badge ${paused ? "state-paused" : "state-active"}` }, paused ? "paused" : "active")),
      h(
        "td",
        {},
        h(
          "button",
          {
            type: "button",
            class: paused ? "secondary" : "warning",
            "aria-label": `${paused ? "Resume" : "Pause"} recurring task ${item.id}`,
            dataset: { focusKey: `toggle:${item.id}` },
            onclick: (event) => toggle(item.id, paused, event.currentTarget),
          },
          paused ? "Resume" : "Pause",
        ),
      ),
    );
  }

  async function refresh() {
    let data;
    try {
      ({ data } = await api.recurring(context.signal));
    } catch (error) {
      if (isAbort(error)) throw error;
      if (error.status === 401) {
        status.textContent = "Sign in to see the recurring tasks.";
        return false;
      }
      status.textContent = `Could not load the recurring tasks: ${errorText(error)} (retrying)`;
      return true;
    }
    const items = Array.isArray(data) ? data : (data?.recurring_tasques ?? []);
    keepingFocus(body, () => body.replaceChildren(...items.map(row)));
    empty.hidden = items.length > 0;
    status.textContent = `${items.length} defined · updated ${localTime(new Date().toISOString())}`;
    return true;
  }

  await context.poll(POLL_MS, refresh);
}
