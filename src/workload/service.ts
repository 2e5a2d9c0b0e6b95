/**
 * The sample HTTP service every mesh fronts: a fixed payload, an optional service delay and an
 * optional error rate. Failures are spread evenly (every 1/errorRate-th request) rather than drawn
 * at random, so two runs of a scenario inject exactly the same errors.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { FaultClock, type WorkloadFault } from './faults.ts';

export interface WorkloadOptions {
  payloadBytes: number;
  serviceDelayUs: number;
  errorRate: number;
  /**
   * Fault injection: once, this long after the first request, the service stops answering for
   * `forMs`: every response due in that time is held until it ends. Used to check
   * coordinated-omission correction. The stall costs no CPU, so on a small machine it does not
   * take a core away from the load generator that measures it.
   */
  stall?: { afterMs: number; forMs: number };
  /** Injected faults on a timetable (see faults.ts). */
  faults?: readonly WorkloadFault[];
}

export const HEALTH_PATH = '/healthz';

/** The parts of a request and response the handler uses: HTTP/1.1's and HTTP/2's compatibility API both have them. */
interface Req {
  url?: string;
}
interface Res {
  writeHead(status: number, headers: Record<string, string | number>): { end(body: Buffer | string): unknown };
}

/** The service's answer to every HTTP request, for HTTP/1.1 and HTTP/2 alike; `reset` answers with a transport reset. */
export function workloadHandler<Q extends Req, S extends Res>(o: WorkloadOptions, reset: (req: Q, res: S) => void): (req: Q, res: S) => void {
  const payload = Buffer.alloc(o.payloadBytes, 'x');
  const failure = Buffer.from('injected failure\n');
  const unavailable = Buffer.from('injected fault: 5xx burst\n');
  const faults = new FaultClock(o.faults ?? []);
  const delay = serviceDelay(o);

  return (req, res) => {
    if (req.url === HEALTH_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 }).end('ok\n');
      return;
    }
    delay.arrived();
    const fault = faults.action(performance.now());
    if (fault === 'reset') {
      reset(req, res);
      return;
    }
    if (fault === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain', 'content-length': unavailable.length }).end(unavailable);
      return;
    }
    const fail = delay.fails(o.errorRate);
    delay.then(() => {
      const body = fail ? failure : payload;
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
    });
  };
}

/**
 * The service delay, the stall and the evenly spread error rate, shared by every protocol:
 * `arrived` once per request (starts the stall clock), `fails` once per served request, `then`
 * runs the answer after the delay (and after a stall in progress).
 */
export function serviceDelay(o: Pick<WorkloadOptions, 'serviceDelayUs' | 'stall'>): { arrived(): void; fails(rate: number): boolean; then(answer: () => void): void } {
  const delayMs = o.serviceDelayUs / 1_000;
  let served = 0;
  let firstRequestMs: number | undefined;
  let stallUntilMs = 0;
  const afterStall = (send: () => void) => {
    const heldMs = stallUntilMs - performance.now();
    if (heldMs > 0) setTimeout(send, heldMs);
    else send();
  };
  return {
    arrived() {
      if (o.stall && stallUntilMs === 0) {
        const now = performance.now();
        firstRequestMs ??= now;
        if (now - firstRequestMs >= o.stall.afterMs) stallUntilMs = now + o.stall.forMs;
      }
    },
    fails(rate) {
      const n = served++;
      return Math.floor((n + 1) * rate) > Math.floor(n * rate);
    },
    then(send) {
      if (delayMs >= 1) setTimeout(() => afterStall(send), delayMs);
      else if (delayMs > 0) {
        // Node timers step in whole milliseconds; a shorter delay is spent working, as a service's
        // own CPU work would be (it holds the event loop, so it also limits throughput).
        const until = performance.now() + delayMs;
        while (performance.now() < until) {
          // working
        }
        afterStall(send);
      } else afterStall(send);
    },
  };
}

export function createWorkloadServer(o: WorkloadOptions): Server {
  // An RST, not a FIN: the client sees ECONNRESET, as from a crashed peer.
  const server = createServer(workloadHandler<IncomingMessage, ServerResponse>(o, (req) => req.socket.resetAndDestroy()));
  // Sidecars and the load generator hold keep-alive connections for the whole trial.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  return server;
}
