import { api, apiKey, isAbort } from "./api.js";
import { h } from "./dom.js";
import { renderOverview } from "./overview.js";
import { renderQueues } from "./queues.js";
import { renderRecurring } from "./recurring.js";
import { renderTask } from "./task.js";
import { renderTasks } from "./tasks.js";

const VIEWS = {
  overview: { render: renderOverview, title: "Overview" },
  queues: { render: renderQueues, title: "Queues" },
  tasks: { render: renderTasks, title: "Tasks" },
  task: { render: renderTask, title: "Task", nav: "tasks" },
  recurring: { render: renderRecurring, title: "Recurring tasks" },
};
const LEADER_POLL_MS = 10000;
const FLASH_MS = 10000;

// Everything a view starts (requests, polling timers) ends when the user navigates away.
class ViewContext {
  constructor() {
    this.controller = new AbortController();
    this.timers = new Set();
    this.disposed = false;
  }

  get signal() {
    return this.controller.signal;
  }

  // Runs fn now (or after ms when immediate is false) and then every ms after it settles, skipping ticks
  // while the tab is hidden; fn returning false stops this poll. Resolves after the first run.
  async poll(ms, fn, { immediate = true } = {}) {
    let stopped = false;
    const tick = async () => {
      this.timers.delete(timer);
      if (this.disposed || stopped) return;
      if (!document.hidden) {
        try {
          if ((await fn()) === false) stopped = true;
        } catch (error) {
          if (!isAbort(error)) console.error(error);
        }
      }
      if (!this.disposed && !stopped) {
        timer = setTimeout(tick, ms);
        this.timers.add(timer);
      }
    };
    let timer;
    if (immediate) await tick();
    else {
      timer = setTimeout(tick, ms);
      this.timers.add(timer);
    }
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }

  dispose() {
    this.disposed = true;
    this.controller.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

let flashTimer;
export function flash(message, kind = "info") {
  const region = document.getElementById("flash");
  clearTimeout(flashTimer);
  region.replaceChildren();
  if (!message) return;
  region.append(
    h(
      "div",
      { class: `flash-message flash-${kind}` },
      h("span", {}, message),
      h("button", { type: "button", class: "link", "aria-label": "Dismiss message", onclick: () => flash("") }, "×"),
    ),
  );
  flashTimer = setTimeout(() => region.replaceChildren(), FLASH_MS);
}

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const mark = raw.indexOf("?");
  const path = mark === -1 ? raw : raw.slice(0, mark);
  const params = new URLSearchParams(mark === -1 ? "" : raw.slice(mark + 1));
  const segments = path.split("/").filter(Boolean).map((part) => decodeURIComponent(part));
  return { name: segments[0] || "queues", args: segments.slice(1), params };
}

let current;

async function route() {
  current?.dispose();
  const context = new ViewContext();
  current = context;
  const main = document.getElementById("main");
  main.replaceChildren();
  let parsed;
  try {
    parsed = parseHash();
  } catch {
    parsed = { name: "", args: [], params: new URLSearchParams() };
  }
  const view = VIEWS[parsed.name];
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === (view?.nav ?? parsed.name)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (!view) {
    document.title = "Not found · tasques";
    main.append(h("h1", { tabindex: -1 }, "Not found"), h("p", {}, h("a", { href: "#/queues" }, "Back to the queues")));
    return;
  }
  document.title = `${view.title} · tasques`;
  const focusHeading = () => {
    if (current === context) main.querySelector("h1")?.focus({ preventScroll: true });
  };
  try {
    const rendering = view.render(main, { context, args: parsed.args, params: parsed.params, flash });
    focusHeading();
    await rendering;
  } catch (error) {
    if (!isAbort(error)) {
      console.error(error);
      main.append(h("p", { class: "error", role: "alert" }, `Could not show this page: ${error.message ?? error}`));
    }
  }
}

async function showLeader() {
  const target = document.getElementById("leader");
  try {
    const { data } = await api.leader();
    target.textContent = `${data.role === "leader" ? "Leader" : "Follower"} · server ${data.server_id}`;
    target.title = data.leader_id ? `Lock holder: ${data.leader_id}` : "No lock holder seen";
    target.classList.toggle("is-leader", data.role === "leader");
  } catch (error) {
    const status = error?.status;
    target.textContent =
      status === 401 ? "Credentials needed" : status === 403 ? "No read access" : "Server unreachable";
    target.classList.remove("is-leader");
  }
}

// Credentials: a 401 anywhere offers the API key form; a key in use can be forgotten.
function showCredentials() {
  document.getElementById("sign-out").hidden = !apiKey.get();
}
window.addEventListener("tasques:unauthorized", () => {
  const panel = document.getElementById("sign-in");
  if (!panel.hidden) return;
  panel.hidden = false;
  document.getElementById("api-key").focus();
});
window.addEventListener("tasques:credentials", showCredentials);
document.getElementById("sign-in-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("api-key");
  const key = input.value.trim();
  if (!key) return;
  input.value = "";
  document.getElementById("sign-in").hidden = true;
  apiKey.set(key);
  route();
  showLeader();
});
document.getElementById("sign-out").addEventListener("click", () => {
  apiKey.set("");
  flash("API key forgotten.");
  route();
  showLeader();
});
showCredentials();

// Served at .../ui as well as .../ui/: settle on the trailing slash so in-page links stay in this document.
if (!location.pathname.endsWith("/")) {
  history.replaceState(null, "", `${location.pathname}/${location.search}${location.hash}`);
}
window.addEventListener("hashchange", route);
route();
showLeader();
setInterval(() => {
  if (!document.hidden) showLeader();
}, LEADER_POLL_MS);
