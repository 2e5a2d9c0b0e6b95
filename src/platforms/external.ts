/**
 * Platform `external`: an endpoint that already runs (an ingress, a staging service, or a
 * reference server in a benchmark). Nothing is deployed or torn down; deploy only checks that the
 * target answers, so a typo fails before the warmup rather than as a trial full of errors.
 */
import { request } from 'node:http';
import { request as requestTls } from 'node:https';
import { RunError } from '../errors.ts';
import type { Deployment, DeployRequest, Platform } from './types.ts';

export class ExternalPlatform implements Platform {
  readonly name = 'external';
  readonly components = {};
  readonly layout = 'loopback';
  readonly layoutReason = 'platform external: only the load generator runs here, against the target';
  private readonly target: URL;

  constructor(target: string) {
    this.target = new URL(target);
  }

  async deploy(_req: DeployRequest, signal: AbortSignal): Promise<Deployment> {
    signal.throwIfAborted();
    const status = await probe(this.target, signal);
    if (typeof status === 'string') {
      throw new RunError({
        what: `the target ${this.target.href} does not answer (${status})`,
        where: 'target',
        fix: 'start the service first, or correct `target` in the scenario',
      });
    }
    return {
      load: { where: 'in-process', targetUrl: this.target },
      meshLabel: `external target ${this.target.origin}`,
      containers: [{ kind: 'process', pod: 'loadgen', container: 'loadgen', role: 'loadgen', pid: process.pid }],
    };
  }

  async teardown(): Promise<void> {}

  async close(): Promise<void> {}
}

/** The HTTP status of one GET, or the error code when there was no response. */
function probe(url: URL, signal: AbortSignal): Promise<number | string> {
  const send = url.protocol === 'https:' ? requestTls : request;
  return new Promise((resolve) => {
    const req = send(url, { agent: false, timeout: 5_000, signal }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('no answer within 5 s'), { code: 'timeout' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}
