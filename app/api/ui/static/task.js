import { ApiError, api, isAbort, isMissingRoute } from "./api.js";
import {
  badge,
  definitionList,
  errorText,
  formatSeconds,
  h,
  hashFor,
  inlineJson,
  jsonBlock,
  labelled,
  timeEl,
} from "./dom.js";

const RETRYABLE = new Set(["dead", "cancelled", "failed"]);
const CANCELLABLE = new Set(["queued", "claimed", "failed"]);
// Requeue makes a waiting task (queued for later, or failed and backing off) due now.
function requeueable(task) {
  return task.state === "failed" || (task.state === "queued" && Date.parse(task.run_at) > Date.now());
}
const UNFINISHED = new Set(["queued", "claimed", "failed"]);
const AUTO_REFRESH_MS = 5000;

function section(id, title, ...content) {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), content);
}

function seconds(from, to) {
  const start = Date.parse(from);
  const end = Date.parse(to);
  return Number.isNaN(start) || Number.isNaN(end) ? null : (end - start) / 1000;
}

function summary(task) {
  const lastClaimed = task.last_claimed;
  return definitionList([
    ["Queue", h("a", { href: hashFor(["tasks"], [["queue", task.queue]]) }, task.queue)],
    ["Kind", task.kind],
    ["State", badge(task.state)],
    ["Priority", String(task.priority)],
    ["Runs", `${task.attempted} of ${task.retry_times + 1} allowed (retry_times ${task.retry_times})`],
    ["Processing timeout", task.processing_timeout],
    ["Run at", timeEl(task.run_at)],
    ["Last enqueued", timeEl(task.last_enqueued_at)],
    ["Created", timeEl(task.metadata?.created_at)],
    ["Modified", timeEl(task.metadata?.modified_at)],
    ["Worker", lastClaimed?.worker_id ?? null],
    [
      "Recurring task",
      task.recurring_task_id
        ? h("a", { href: hashFor(["tasks"], [["recurring_task_id", task.recurring_task_id]]) }, task.recurring_task_id)
        : null,
    ],
    ["Backoff", task.backoff ? inlineJson(task.backoff) : null],
    ["Cancel requested", task.cancel_requested ? "yes" : null],
  ]);
}

function lastClaimedPanel(lastClaimed) {
  if (!lastClaimed) return h("p", { class: "muted" }, "Never claimed.");
  const report = lastClaimed.last_report;
  return [
    definitionList([
      ["Worker", lastClaimed.worker_id],
      ["Claimed at", timeEl(lastClaimed.claimed_at)],
      ["Times out at", timeEl(lastClaimed.times_out_at)],
      ["Last report", report ? timeEl(report.at) : null],
    ]),
    report?.data ? jsonBlock(report.data, "Last report data") : null,
  ];
}

function resultPanel(outcome) {
  if (outcome.error) return h("p", { class: "error" }, `Could not load the result: ${errorText(outcome.error)}`);
  if (outcome.status === 404) return h("p", { class: "muted" }, "No result: it was never recorded or has expired.");
  if (outcome.status === 202) return h("p", { class: "muted" }, "Not finished yet.");
  const result = outcome.data ?? {};
  return [
    definitionList([
      ["Finished", timeEl(result.at)],
      ["Kept until", timeEl(result.expires_at)],
      ["Outcome", result.failure ? "failure" : result.success ? "success" : result.state],
    ]),
    result.failure ? jsonBlock(result.failure, "Failure data") : null,
    result.success ? jsonBlock(result.success, "Success data") : null,
  ];
}

function eventItem(event) {
  const payload = event.error ?? event.data;
  return h(
    "li",
    { class: "event", dataset: { kind: event.kind } },
    timeEl(event.at, { relative: false, timeOnly: true }),
    " ",
    h("span", { class: "event-kind" }, event.kind),
    event.worker_id ? h("span", { class: "muted" }, ` by ${event.worker_id}`) : null,
    payload ? [" ", event.error ? h("span", { class: "muted" }, "error ") : null, inlineJson(payload)] : null,
  );
}

function attemptsTimeline(outcome) {
  if (outcome.error) return h("p", { class: "error" }, `Could not load the attempt history: ${errorText(outcome.error)}`);
  const attempts = outcome.data?.attempts ?? [];
  if (!attempts.length) return h("p", { class: "muted" }, "No attempt yet.");
  return h(
    "ol",
    { class: "timeline", id: "attempts" },
    attempts.map((attempt) => {
      const took = attempt.claimed_at && attempt.ended_at ? seconds(attempt.claimed_at, attempt.ended_at) : null;
      return h(
        "li",
        { class: "attempt", dataset: { attempt: attempt.attempt, outcome: attempt.outcome ?? "running" } },
        h(
          "h3",
          {},
          `Attempt ${attempt.attempt}`,
          " ",
          attempt.outcome ? badge(attempt.outcome) : h("span", { class: "badge state-claimed" }, "in progress"),
        ),
        h(
          "p",
          { class: "attempt-meta" },
          attempt.worker_id ? `Worker ${attempt.worker_id} · ` : "",
          attempt.claimed_at ? ["claimed ", timeEl(attempt.claimed_at, { relative: false })] : "",
          attempt.ended_at ? [" → ended ", timeEl(attempt.ended_at, { relative: false })] : "",
          took !== null ? ` · took ${took < 1 ? `${Math.round(took * 1000)}ms` : formatSeconds(took)}` : "",
        ),
        attempt.error ? h("div", { class: "attempt-error" }, h("span", {}, "Error: "), inlineJson(attempt.error)) : null,
        h("ol", { class: "events", "aria-label": `Events of attempt ${attempt.attempt}` }, (attempt.events ?? []).map(eventItem)),
      );
    }),
  );
}

async function settle(promise) {
  try {
    const { status, data } = await promise;
    return { status, data };
  } catch (error) {
    if (isAbort(error)) throw error;
    if (error instanceof ApiError && error.status === 404) return { status: 404, data: error.body };
    return { error };
  }
}

export async function renderTask(root, { context, args, flash }) {
  const [queue, id] = args;
  const heading = h("h1", { tabindex: -1 }, "Task ", h("code", {}, id ?? ""));
  const body = h("div", { id: "task-detail" }, h("p", { class: "muted" }, "Loading…"));
  root.append(
    h("p", { class: "crumbs" }, h("a", { href: hashFor(["tasks"], [["queue", queue ?? ""]]) }, `← Tasks in ${queue ?? ""}`)),
    h("div", { class: "heading" }, heading),
    body,
  );
  if (!queue || !id) {
    body.replaceChildren(h("p", { class: "error" }, "No task given."));
    return;
  }

  let autoRefresh = true;

  async function act(name, run, button) {
    button.disabled = true;
    try {
      const { data } = await run();
      const state = data?.state ?? data?.task?.state;
      const done =
        name === "cancel" && state === "claimed"
          ? "cancellation requested: the worker is told at its next heartbeat"
          : `${name} done${state ? `, now ${state}` : ""}`;
      flash(`Task ${id}: ${done}.`);
    } catch (error) {
      const text = isMissingRoute(error) ? `this server has no ${name} endpoint` : errorText(error);
      flash(`Task ${id}: ${name} failed: ${text}`, "error");
      button.disabled = false;
    }
    await load();
  }

  function actions(task) {
    const finished = !UNFINISHED.has(task.state);
    const retry = h(
      "button",
      { type: "button", id: "action-retry", disabled: !RETRYABLE.has(task.state), title: "Back to queued with fresh attempts" },
      "Retry",
    );
    retry.addEventListener("click", () => act("retry", () => api.retry(queue, id), retry));
    const requeue = h(
      "button",
      { type: "button", class: "secondary", id: "action-requeue", disabled: !requeueable(task), title: "Make it due now" },
      "Requeue now",
    );
    requeue.addEventListener("click", () => act("requeue", () => api.requeue(queue, id), requeue));

    const reason = h("input", { type: "text", maxlength: 1000, placeholder: "optional", autocomplete: "off" });
    const cancel = h(
      "button",
      { type: "submit", class: "danger", id: "action-cancel", disabled: !CANCELLABLE.has(task.state) || Boolean(task.cancel_requested) },
      task.cancel_requested ? "Cancel requested" : "Cancel",
    );
    reason.disabled = cancel.disabled;
    const cancelForm = h("form", { class: "inline-form", "aria-label": "Cancel the task" }, labelled("cancel-reason", "Cancel reason", reason), cancel);
    cancelForm.addEventListener("submit", (event) => {
      event.preventDefault();
      act("cancel", () => api.cancel(queue, id, reason.value.trim()), cancel);
    });

    const priority = h("input", { type: "number", step: 1, value: task.priority, required: true, disabled: finished });
    const setPriority = h("button", { type: "submit", class: "secondary", id: "action-reprioritize", disabled: finished }, "Set priority");
    const priorityForm = h("form", { class: "inline-form", "aria-label": "Change the priority" }, labelled("new-priority", "Priority", priority), setPriority);
    priorityForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const value = Number.parseInt(priority.value, 10);
      if (!Number.isInteger(value)) return;
      act("reprioritize", () => api.reprioritize(queue, id, value), setPriority);
    });

    // Deleting takes two clicks: the first one only arms the button.
    const remove = h("button", { type: "button", class: "danger", id: "action-delete", disabled: task.state === "claimed" }, "Delete…");
    let armed = false;
    remove.addEventListener("click", async () => {
      if (!armed) {
        armed = true;
        remove.textContent = "Really delete?";
        remove.setAttribute("aria-live", "polite");
        return;
      }
      remove.disabled = true;
      try {
        await api.remove(queue, id);
        flash(`Task ${id} deleted.`);
        location.hash = hashFor(["tasks"], [["queue", queue]]);
      } catch (error) {
        flash(`Task ${id}: delete failed: ${errorText(error)}`, "error");
        remove.disabled = false;
      }
    });

    return h(
      "div",
      { class: "actions", role: "group", "aria-label": "Task actions" },
      retry,
      requeue,
      cancelForm,
      priorityForm,
      h("div", { class: "push-right" }, remove),
    );
  }

  async function load() {
    const [taskOutcome, attemptsOutcome, resultOutcome] = await Promise.all([
      settle(api.task(queue, id, context.signal)),
      settle(api.attempts(queue, id, context.signal)),
      settle(api.result(queue, id, context.signal)),
    ]);
    if (taskOutcome.error || taskOutcome.status === 404) {
      body.replaceChildren(
        h(
          "p",
          { class: "error", role: "alert" },
          taskOutcome.status === 404 ? `No task ${id} in queue ${queue}.` : `Could not load the task: ${errorText(taskOutcome.error)}`,
        ),
      );
      autoRefresh = false;
      return;
    }
    const task = taskOutcome.data;
    heading.replaceChildren("Task ", h("code", {}, task.id), " ", badge(task.state));
    // A refresh keeps what the user was typing and where the keyboard focus was.
    const focusedId = document.activeElement?.id;
    const typed = [...body.querySelectorAll("input[id]")]
      .filter((input) => input.value !== input.defaultValue)
      .map((input) => [input.id, input.value]);
    body.replaceChildren(
      actions(task),
      h(
        "div",
        { class: "columns" },
        h(
          "div",
          {},
          section("summary-h", "Summary", summary(task)),
          section("args-h", "Args", jsonBlock(task.args, "Args")),
          section("context-h", "Context", jsonBlock(task.context, "Context")),
          section("result-h", "Result", resultPanel(resultOutcome)),
        ),
        h(
          "div",
          {},
          section("attempts-h", "Attempt history", attemptsTimeline(attemptsOutcome)),
          section("claim-h", "Last claim", lastClaimedPanel(task.last_claimed)),
          section(
            "checkpoint-h",
            "Checkpoint",
            task.checkpoint
              ? [definitionList([["Saved at", timeEl(task.checkpoint.at)], ["By attempt", String(task.checkpoint.attempt)]]), jsonBlock(task.checkpoint.data, "Checkpoint data")]
              : h("p", { class: "muted" }, "None"),
          ),
          section(
            "cancellation-h",
            "Cancellation",
            task.cancellation
              ? definitionList([["Requested at", timeEl(task.cancellation.requested_at)], ["Reason", task.cancellation.reason ?? null]])
              : h("p", { class: "muted" }, "Not requested"),
          ),
        ),
      ),
    );
    for (const [inputId, value] of typed) {
      const input = document.getElementById(inputId);
      if (input && !input.disabled) input.value = value;
    }
    if (focusedId) document.getElementById(focusedId)?.focus();
    autoRefresh = UNFINISHED.has(task.state);
  }

  await load();
  // A task that can still change is refreshed while it is on screen.
  context.poll(AUTO_REFRESH_MS, async () => {
    if (!autoRefresh) return true;
    await load();
    return true;
  }, { immediate: false });
}
