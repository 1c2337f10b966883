// The generated TypeScript client against a real `tasques serve` (URL in TASQUES_URL), run with
// `node --test` by tests/clients/test_typescript_client.py after `tsc` has compiled this folder.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import {
  cancelTask,
  claimTasks,
  createTask,
  getExistingTask,
  markClaimedTaskCancelled,
  markClaimedTaskDone,
  markClaimedTaskFailed,
  ownerHeaders,
  reportOnClaimedTask,
  tasquesClient,
  unclaimExistingTask,
  type WireTask,
} from '../src/index.js';

const baseUrl = process.env.TASQUES_URL;
if (!baseUrl) {
  throw new Error('TASQUES_URL must point at a running tasques server');
}
const client = tasquesClient(baseUrl);

function newQueue(name: string): string {
  return `ts-${name}-${randomUUID().slice(0, 8)}`;
}

async function enqueue(queue: string, extra: { retry_times?: number } = {}): Promise<WireTask> {
  const created = await createTask({ client, body: { queue, kind: 'ts-kind', args: { n: 1 }, ...extra } });
  assert.equal(created.response.status, 201, JSON.stringify(created.error));
  // The spec documents 201 as WireTask but gives 202 (only with ?wait=) no schema, so the union is unknown.
  return created.data as WireTask;
}

async function claimOne(queue: string, workerId: string): Promise<WireTask & { lease_token: string }> {
  const claimed = await claimTasks({
    client,
    body: { queues: [queue], amount: 1, block_for: '2s' },
    headers: { 'X-TASQUES-WORKER-ID': workerId },
  });
  assert.equal(claimed.response.status, 200, JSON.stringify(claimed.error));
  const [task] = claimed.data ?? [];
  assert.ok(task, 'nothing claimed');
  assert.ok(task.lease_token, 'claims carry a lease token');
  return { ...task, lease_token: task.lease_token };
}

test('create, claim, heartbeat with a checkpoint, done', async () => {
  const queue = newQueue('flow');
  const worker = 'ts-worker-flow';
  const created = await enqueue(queue);
  assert.equal(created.state, 'queued');

  const claimed = await claimOne(queue, worker);
  assert.equal(claimed.id, created.id);
  assert.equal(claimed.attempted, 1);

  const reported = await reportOnClaimedTask({
    client,
    path: { queue, id: created.id },
    body: { data: { pct: 50 }, checkpoint: { offset: 10 } },
    headers: ownerHeaders(worker, claimed.lease_token),
  });
  assert.equal(reported.response.status, 200, JSON.stringify(reported.error));
  assert.equal(reported.data?.cancel_requested ?? false, false);
  assert.deepEqual(reported.data?.checkpoint?.data, { offset: 10 });

  const done = await markClaimedTaskDone({
    client,
    path: { queue, id: created.id },
    body: { data: { ok: true } },
    headers: ownerHeaders(worker, claimed.lease_token),
  });
  assert.equal(done.response.status, 200, JSON.stringify(done.error));
  assert.equal(done.data?.state, 'done');

  const fetched = await getExistingTask({ client, path: { queue, id: created.id } });
  assert.deepEqual(fetched.data?.last_claimed?.result?.success, { ok: true });
});

test('a cancel request shows in the heartbeat answer and the worker ends the task', async () => {
  const queue = newQueue('cancel');
  const worker = 'ts-worker-cancel';
  const created = await enqueue(queue);
  const claimed = await claimOne(queue, worker);

  const cancel = await cancelTask({ client, path: { queue, id: created.id }, body: { reason: 'stop it' } });
  assert.equal(cancel.response.status, 200, JSON.stringify(cancel.error));

  const reported = await reportOnClaimedTask({
    client,
    path: { queue, id: created.id },
    body: {},
    headers: ownerHeaders(worker, claimed.lease_token),
  });
  assert.equal(reported.data?.cancel_requested, true);

  const ended = await markClaimedTaskCancelled({
    client,
    path: { queue, id: created.id },
    body: { data: { stopped_at: 'half way' } },
    headers: ownerHeaders(worker, claimed.lease_token),
  });
  assert.equal(ended.response.status, 200, JSON.stringify(ended.error));
  assert.equal(ended.data?.state, 'cancelled');
  assert.equal(ended.data?.cancellation?.reason, 'stop it');
});

test('a superseded lease token gets 409 with the error body; the current one succeeds', async () => {
  const queue = newQueue('lease');
  const worker = 'ts-worker-lease';
  const created = await enqueue(queue);
  const first = await claimOne(queue, worker);
  const unclaimed = await unclaimExistingTask({
    client,
    path: { queue, id: created.id },
    headers: ownerHeaders(worker, first.lease_token),
  });
  assert.equal(unclaimed.data?.state, 'queued');
  const second = await claimOne(queue, worker);
  assert.notEqual(second.lease_token, first.lease_token);

  const stale = await markClaimedTaskDone({
    client,
    path: { queue, id: created.id },
    body: {},
    headers: ownerHeaders(worker, first.lease_token),
  });
  assert.equal(stale.response.status, 409);
  assert.ok(stale.error && 'message' in stale.error, JSON.stringify(stale.error));
  assert.match(stale.error.message, /lease/i);

  const current = await markClaimedTaskFailed({
    client,
    path: { queue, id: created.id },
    body: { data: { error: 'boom' } },
    headers: ownerHeaders(worker, second.lease_token),
  });
  assert.equal(current.response.status, 200, JSON.stringify(current.error));
  assert.equal(current.data?.state, 'failed', 'retried later: attempts remain');
});
