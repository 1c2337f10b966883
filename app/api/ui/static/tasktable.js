import { badge, h, relativeTime, taskHash, timeEl } from "./dom.js";

// One row per task, linking to its detail page.
function taskRow(task) {
  const claimed = task.last_claimed;
  return h(
    "tr",
    { dataset: { taskId: task.id, state: task.state } },
    h(
      "td",
      { class: "id" },
      h("a", { href: taskHash(task.queue, task.id), title: task.id, "aria-label": `Task ${task.id} in ${task.queue}` }, task.id),
    ),
    h("td", {}, task.queue),
    h("td", {}, task.kind),
    h("td", {}, badge(task.state)),
    h("td", { class: "num" }, String(task.priority)),
    h("td", { class: "num", title: "attempted / allowed runs" }, `${task.attempted} / ${task.retry_times + 1}`),
    h("td", {}, claimed?.worker_id ?? h("span", { class: "muted" }, "—")),
    h("td", {}, h("time", { datetime: task.metadata?.created_at, title: task.metadata?.created_at }, relativeTime(task.metadata?.created_at))),
    h("td", {}, timeEl(task.run_at, { relative: false })),
  );
}

export function taskTable(tasks, caption) {
  return h(
    "table",
    { class: "data tasks" },
    h("caption", { class: "sr-only" }, caption),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        ["ID", "Queue", "Kind", "State", "Priority", "Runs", "Worker", "Created", "Run at"].map((name) =>
          h("th", { scope: "col", class: ["Priority", "Runs"].includes(name) ? "num" : null }, name),
        ),
      ),
    ),
    h("tbody", {}, tasks.map(taskRow)),
  );
}
