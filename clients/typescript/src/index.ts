// The tasques TypeScript client: everything in ./generated is written by @hey-api/openapi-ts from
// openapi/openapi.json (`make clients`); this file only re-exports it and adds one constructor.
import { type Client, createClient, createConfig } from './generated/client/index.js';

export * from './generated/index.js';
export { type Client, createClient, createConfig } from './generated/client/index.js';

/** A client bound to one server, to pass as `client` to every operation: `claimTasks({ client, ... })`. */
export function tasquesClient(baseUrl: string, options: { fetch?: typeof fetch } = {}): Client {
  return createClient(createConfig({ baseUrl, ...options }));
}

/** The headers that prove ownership of a claimed task: worker id, and the claim's lease token. */
export function ownerHeaders(
  workerId: string,
  leaseToken: string | null | undefined,
): { 'X-TASQUES-WORKER-ID': string; 'X-TASQUES-LEASE-TOKEN'?: string } {
  return leaseToken
    ? { 'X-TASQUES-WORKER-ID': workerId, 'X-TASQUES-LEASE-TOKEN': leaseToken }
    : { 'X-TASQUES-WORKER-ID': workerId };
}
