// The server's HTTP API, resolved against the page's <base href> so a path-prefix proxy works too.
const API_ROOT = new URL("../", document.baseURI);

export class ApiError extends Error {
  constructor(status, body) {
    const message =
      body && typeof body === "object" && typeof body.message === "string"
        ? body.message
        : `HTTP ${status}`;
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = body && typeof body === "object" ? body.error : undefined;
    this.body = body;
  }
}

export function isAbort(error) {
  return error instanceof DOMException && error.name === "AbortError";
}

// An API key typed into the dashboard lives in this tab's sessionStorage only. (Basic-auth users need
// none: the browser asks for their name and password itself and resends them.)
const KEY_STORAGE = "tasques.apiKey";

export const apiKey = {
  get() {
    try {
      return sessionStorage.getItem(KEY_STORAGE) ?? "";
    } catch {
      return "";
    }
  },
  set(key) {
    try {
      if (key) sessionStorage.setItem(KEY_STORAGE, key);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch {
      // storage disabled: the key lasts until the page is reloaded
    }
    window.dispatchEvent(new CustomEvent("tasques:credentials"));
  },
};

function segment(value) {
  return encodeURIComponent(String(value));
}

// query: an array of [name, value] pairs (repeated names allowed); undefined, null and "" are skipped.
export async function request(method, path, { query = [], body, signal } = {}) {
  const url = new URL(path, API_ROOT);
  for (const [name, value] of query) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.append(name, String(value));
  }
  const init = { method, headers: { Accept: "application/json" }, signal, cache: "no-store" };
  const key = apiKey.get();
  if (key) init.headers["X-TASQUES-API-KEY"] = key;
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent("tasques:unauthorized"));
  if (!response.ok) throw new ApiError(response.status, data);
  return { status: response.status, data };
}

const get = (path, options) => request("GET", path, options);
const post = (path, body, options = {}) => request("POST", path, { ...options, body });

export const api = {
  leader: (signal) => get("leader", { signal }),
  queues: (signal) => get("queues", { signal }),
  pauseQueue: (queue) => post(`queues/${segment(queue)}/pause`, {}),
  resumeQueue: (queue) => post(`queues/${segment(queue)}/resume`, {}),
  search: (query, signal) => get("tasques/_search", { query, signal }),
  timeline: (queue, minutes, signal) => get("timeline", { query: [["queue", queue], ["minutes", minutes]], signal }),
  task: (queue, id, signal) => get(`tasques/${segment(queue)}/${segment(id)}`, { signal }),
  attempts: (queue, id, signal) => get(`tasques/${segment(queue)}/${segment(id)}/attempts`, { signal }),
  result: (queue, id, signal) => get(`tasques/${segment(queue)}/${segment(id)}/result`, { signal }),
  cancel: (queue, id, reason) =>
    post(`tasques/${segment(queue)}/${segment(id)}/cancel`, reason ? { reason } : {}),
  retry: (queue, id) => post(`tasques/${segment(queue)}/${segment(id)}/retry`, {}),
  requeue: (queue, id) => post(`tasques/${segment(queue)}/${segment(id)}/requeue`, {}),
  reprioritize: (queue, id, priority) =>
    post(`tasques/${segment(queue)}/${segment(id)}/reprioritize`, { priority }),
  remove: (queue, id) => request("DELETE", `tasques/${segment(queue)}/${segment(id)}`),
  bulk: (action, body) => post(`tasques/_bulk/${segment(action)}`, body),
  job: (id, signal) => get(`admin/jobs/${segment(id)}`, { signal }),
  recurring: (signal) => get("recurring_tasques", { signal }),
  pauseRecurring: (id) => post(`recurring_tasques/${segment(id)}/pause`, {}),
  resumeRecurring: (id) => post(`recurring_tasques/${segment(id)}/resume`, {}),
};

// "No such route": the server predates an endpoint the dashboard uses.
export function isMissingRoute(error) {
  return error instanceof ApiError && error.status === 404 && error.code === "http_404";
}
