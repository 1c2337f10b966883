import { api, isAbort, isMissingRoute } from "./api.js";
import { errorText, h, labelled } from "./dom.js";
import { taskTable } from "./tasktable.js";

const ACTIONS = {
  retry: { label: "Retry", past: "retried", hint: "dead, cancelled and failed tasks go back to queued with fresh attempts" },
  cancel: { label: "Cancel", past: "cancelled", hint: "queued tasks end now; running ones are asked to stop" },
  requeue: { label: "Requeue", past: "requeued", hint: "tasks go back to queued" },
  delete: { label: "Delete", past: "deleted", hint: "tasks are removed for good" },
  reprioritize: { label: "Reprioritize", past: "reprioritized", hint: "tasks get the new priority" },
};
const RUNNING = new Set(["pending", "queued", "running", "started", "in_progress"]);
const JOB_POLL_MS = 1000;

function describeQuery(query) {
  const parts = Object.entries(query).map(([name, value]) => `${name}=${Array.isArray(value) ? value.join("|") : value}`);
  return parts.length ? parts.join(", ") : "no filters: every task";
}

// Bulk actions on every task matching the applied search filters: dry run first, then a job to follow.
export function renderBulkPanel({ context, flash, query, includeArchive, onFinished }) {
  const action = h(
    "select",
    { name: "action" },
    Object.entries(ACTIONS).map(([value, { label }]) => h("option", { value }, label)),
  );
  const priority = h("input", { type: "number", name: "priority", step: 1, disabled: true, placeholder: "e.g. 10" });
  const hint = h("p", { class: "muted", id: "bulk-hint" });
  const preview = h("div", { id: "bulk-preview", "aria-live": "polite" });
  const job = h("div", { id: "bulk-job", "aria-live": "polite" });
  const previewButton = h("button", { type: "submit", id: "bulk-preview-button" }, "Preview (dry run)");
  const form = h(
    "form",
    { class: "bulk-form", "aria-describedby": "bulk-hint" },
    labelled("bulk-action", "Action", action),
    labelled("bulk-priority", "New priority", priority),
    h("div", { class: "buttons" }, previewButton),
  );
  const section = h(
    "section",
    { class: "bulk", "aria-labelledby": "bulk-heading" },
    h("h2", { id: "bulk-heading" }, "Bulk action on all matching tasks"),
    h(
      "p",
      { class: "muted" },
      `Applies to every task matching the applied filters (${describeQuery(query)}), not only this page.`,
      includeArchive ? " Archived tasks are not included." : "",
    ),
    form,
    hint,
    preview,
    job,
  );

  const describe = () => {
    hint.textContent = `${ACTIONS[action.value].label}: ${ACTIONS[action.value].hint}.`;
    priority.disabled = action.value !== "reprioritize";
    priority.required = action.value === "reprioritize";
  };
  describe();
  action.addEventListener("change", () => {
    describe();
    preview.replaceChildren();
  });
  priority.addEventListener("input", () => preview.replaceChildren());

  function body(dryRun) {
    const payload = { query, dry_run: dryRun };
    if (action.value === "reprioritize") payload.priority = Number.parseInt(priority.value, 10);
    return payload;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (action.value === "reprioritize" && !Number.isInteger(Number.parseInt(priority.value, 10))) {
      priority.focus();
      preview.replaceChildren(h("p", { class: "error", role: "alert" }, "Enter the new priority (a whole number)."));
      return;
    }
    const chosen = action.value;
    const payload = body(true);
    previewButton.disabled = true;
    preview.replaceChildren(h("p", { class: "muted" }, "Counting…"));
    try {
      const { data } = await api.bulk(chosen, payload);
      showPreview(chosen, payload, data);
    } catch (error) {
      if (isAbort(error)) return;
      const text = isMissingRoute(error)
        ? "This server has no bulk actions (POST /tasques/_bulk/… answered 404)."
        : `Dry run failed: ${errorText(error)}`;
      preview.replaceChildren(h("p", { class: "error", role: "alert" }, text));
    } finally {
      previewButton.disabled = false;
    }
  });

  function showPreview(chosen, payload, data) {
    const count = Number(data?.count ?? 0);
    const sample = Array.isArray(data?.sample) ? data.sample : [];
    const { label, past } = ACTIONS[chosen];
    if (count === 0) {
      preview.replaceChildren(h("p", { class: "dry-run-count" }, `No task matches: nothing would be ${past}.`));
      return;
    }
    const confirm = h(
      "button",
      { type: "button", class: chosen === "delete" || chosen === "cancel" ? "danger" : "primary", id: "bulk-confirm" },
      `${label} ${count} task${count === 1 ? "" : "s"}`,
    );
    const discard = h("button", { type: "button", class: "secondary", onclick: () => preview.replaceChildren() }, "Discard");
    confirm.addEventListener("click", async () => {
      confirm.disabled = discard.disabled = true;
      try {
        const { data: started } = await api.bulk(chosen, { ...payload, dry_run: false });
        preview.replaceChildren();
        followJob(started?.job);
      } catch (error) {
        confirm.disabled = discard.disabled = false;
        preview.append(h("p", { class: "error", role: "alert" }, `${label} failed: ${errorText(error)}`));
      }
    });
    preview.replaceChildren(
      h(
        "div",
        { class: "dry-run", role: "group", "aria-label": "Dry run result" },
        h(
          "p",
          { class: "dry-run-count" },
          h("strong", {}, String(count)),
          ` task${count === 1 ? " matches" : "s match"}: ${count === 1 ? "it" : "they"} will be ${past}${chosen === "reprioritize" ? ` to priority ${payload.priority}` : ""}`,
          ", except any the action does not apply to, which are skipped and counted.",
        ),
        sample.length ? [h("p", { class: "muted" }, `A sample of ${sample.length}:`), taskTable(sample, "Sample of the affected tasks")] : null,
        h("div", { class: "buttons" }, confirm, discard),
      ),
    );
    confirm.focus();
  }

  function followJob(started) {
    if (!started?.id) {
      job.replaceChildren(h("p", { class: "error", role: "alert" }, "The server started no job."));
      return;
    }
    const progress = h("progress", { max: 1, value: 0, id: "bulk-progress", "aria-label": "Bulk job progress" });
    const line = h("p", { id: "bulk-job-status" });
    const detail = h("div");
    job.replaceChildren(h("div", { class: "job" }, h("h3", {}, `Job ${started.id}`), progress, line, detail));
    const show = (state) => {
      const total = Number(state.total ?? 0);
      const processed = Number(state.processed ?? 0);
      progress.max = Math.max(total, 1);
      progress.value = Math.min(processed, Math.max(total, 1));
      const counts = ["succeeded", "skipped", "failed"]
        .filter((name) => state[name] !== undefined && state[name] !== null)
        .map((name) => `${name} ${state[name]}`);
      line.textContent = `${state.action ?? ""} ${state.status ?? "unknown"}: ${processed} of ${total} processed${counts.length ? ` (${counts.join(", ")})` : ""}`.trim();
      const problem = state.error ?? state.message;
      detail.replaceChildren(problem ? h("p", { class: "error" }, typeof problem === "string" ? problem : JSON.stringify(problem)) : "");
    };
    show(started);
    let finished = false;
    context.poll(JOB_POLL_MS, async () => {
      let data;
      try {
        ({ data } = await api.job(started.id, context.signal));
      } catch (error) {
        if (isAbort(error)) throw error;
        line.textContent = `Could not read the job: ${errorText(error)} (retrying)`;
        return true;
      }
      const state = data?.job ?? data;
      show(state);
      if (RUNNING.has(state.status)) return true;
      if (!finished) {
        finished = true;
        flash(`Bulk ${state.action ?? "job"} ${state.status}: ${state.processed ?? 0} of ${state.total ?? 0} processed.`);
        onFinished?.();
      }
      return false;
    });
  }

  return section;
}
