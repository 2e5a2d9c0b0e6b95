/**
 * The sample HTTP service every mesh fronts: a fixed payload, an optional service delay and an
 * optional error rate. Failures are spread evenly (every 1/errorRate-th request) rather than drawn
 * at random, so two runs of a scenario inject exactly the same errors.
 */
import { createServer, type Server } from 'node:http';
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

export function createWorkloadServer(o: WorkloadOptions): Server {
  const payload = Buffer.alloc(o.payloadBytes, 'x');
  const failure = Buffer.from('injected failure\n');
  const unavailable = Buffer.from('injected fault: 5xx burst\n');
  const faults = new FaultClock(o.faults ?? []);
  const delayMs = o.serviceDelayUs / 1_000;
  let served = 0;
  let firstRequestMs: number | undefined;
  let stallUntilMs = 0;

  const server = createServer((req, res) => {
    if (req.url === HEALTH_PATH) {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 }).end('ok\n');
      return;
    }
    if (o.stall && stallUntilMs === 0) {
      const now = performance.now();
      firstRequestMs ??= now;
      if (now - firstRequestMs >= o.stall.afterMs) stallUntilMs = now + o.stall.forMs;
    }
    const fault = faults.action(performance.now());
    if (fault === 'reset') {
      // An RST, not a FIN: the client sees ECONNRESET, as from a crashed peer.
      req.socket.resetAndDestroy();
      return;
    }
    if (fault === 'error') {
      res.writeHead(503, { 'content-type': 'text/plain', 'content-length': unavailable.length }).end(unavailable);
      return;
    }
    const n = served++;
    const fail = Math.floor((n + 1) * o.errorRate) > Math.floor(n * o.errorRate);
    const send = () => {
      const body = fail ? failure : payload;
      res.writeHead(fail ? 500 : 200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    };
    const answer = () => {
      const heldMs = stallUntilMs - performance.now();
      if (heldMs > 0) setTimeout(send, heldMs);
      else send();
    };
    if (delayMs >= 1) setTimeout(answer, delayMs);
    else if (delayMs > 0) {
      // Node timers step in whole milliseconds; a shorter delay is spent working, as a service's
      // own CPU work would be (it holds the event loop, so it also limits throughput).
      const until = performance.now() + delayMs;
      while (performance.now() < until) {
        // working
      }
      answer();
    } else answer();
  });
  // Sidecars and the load generator hold keep-alive connections for the whole trial.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  return server;
}
