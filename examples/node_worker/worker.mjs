// @ts-check
// A tasques worker on Node.js with the generated TypeScript client (clients/typescript). Build the
// client once, then run this file (no dependencies of its own):
//
//   (cd clients/typescript && npm ci && npm run build)
//   TASQUES_URL=http://127.0.0.1:8080 QUEUE=examples node examples/node_worker/worker.mjs
//
// Kind "uppercase" answers {text: args.text.toUpperCase()}; any other kind fails (and is retried by the
// server while attempts remain). Each task gets a heartbeat every third of its processing_timeout; a
// heartbeat answer with cancel_requested ends the task as cancelled. MAX_TASKS=N exits after N tasks;
// SIGTERM/SIGINT stop claiming and let the current task finish.
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  claimTasks,
  markClaimedTaskCancelled,
  markClaimedTaskDone,
  markClaimedTaskFailed,
  ownerHeaders,
  reportOnClaimedTask,
  tasquesClient,
} from '../../clients/typescript/dist/src/index.js';

const client = tasquesClient(process.env.TASQUES_URL ?? 'http://127.0.0.1:8080');
const queue = process.env.QUEUE ?? 'examples';
const workerId = process.env.WORKER_ID ?? `node-${hostname()}-${process.pid}`;
const maxTasks = Number(process.env.MAX_TASKS ?? 0);

let stopping = false;
for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.on(signal, () => {
    stopping = true;
  });
}

/** Go duration ("30m0s", "1.5s", "100ms") to milliseconds. */
function durationMs(text) {
  const units = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/([\d.]+)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(amount) * units[/** @type {keyof typeof units} */ (unit)];
  }
  return total;
}

/** The work itself; throws to fail the task. */
async function handle(task) {
  if (task.kind !== 'uppercase') {
    throw new Error(`no handler for kind ${task.kind}`);
  }
  await sleep(Number(task.args?.delay_ms ?? 0));
  return { text: String(task.args?.text ?? '').toUpperCase() };
}

/** Runs one claimed task with heartbeats, then ends it with exactly one call. */
async function run(task) {
  const path = { queue: task.queue, id: task.id };
  const headers = ownerHeaders(workerId, task.lease_token);
  let cancelRequested = false;
  const heartbeat = setInterval(async () => {
    const answer = await reportOnClaimedTask({ client, path, headers, body: { data: { alive: true } } });
    cancelRequested ||= answer.data?.cancel_requested === true;
  }, Math.max(100, durationMs(task.processing_timeout) / 3));
  try {
    const result = await handle(task);
    const end = cancelRequested ? markClaimedTaskCancelled : markClaimedTaskDone;
    await end({ client, path, headers, body: { data: result } });
    console.error(`task ${task.id}: ${cancelRequested ? 'cancelled' : 'done'}`);
  } catch (error) {
    const data = { error: error instanceof Error ? error.message : String(error) };
    await markClaimedTaskFailed({ client, path, headers, body: { data } });
    console.error(`task ${task.id}: failed: ${data.error}`);
  } finally {
    clearInterval(heartbeat);
  }
}

console.error(`node worker ${workerId} claiming from ${queue}`);
let handled = 0;
while (!stopping && (maxTasks === 0 || handled < maxTasks)) {
  const claimed = await claimTasks({
    client,
    headers: { 'X-TASQUES-WORKER-ID': workerId },
    body: { queues: [queue], amount: 1, block_for: '2s' },
  }).catch((error) => ({ data: undefined, error }));
  if (!claimed.data) {
    console.error('claim failed, retrying:', claimed.error);
    await sleep(1000);
    continue;
  }
  for (const task of claimed.data) {
    await run(task);
    handled += 1;
  }
}
console.error(`node worker ${workerId} stopped after ${handled} task(s)`);
