/**
 * Entry point of the workload child process. Listens on 127.0.0.1 (port 0 unless --port; --host
 * 0.0.0.0 inside a pod's network namespace, where peers and ztunnel dial the pod's own address),
 * then prints one JSON line `{"ready":true,"port":N}` so the platform knows where it is.
 * Usage: node main.ts [--protocol http1|h2c|grpc|tcp|https|h2] --payload-bytes N --service-delay-us N --error-rate F [--host H] [--port N] [--run ID]
 *        [--stall-after-ms N --stall-for-ms N] [--faults JSON] [--tls-cert FILE --tls-key FILE (https, h2)]
 */
import { parseArgs } from 'node:util';
import type { WorkloadFault } from './faults.ts';
import { listenWorkload, type ListeningWorkload } from './listen.ts';
import { PROTOCOLS, type Protocol } from './protocol.ts';

const { values } = parseArgs({
  options: {
    protocol: { type: 'string', default: 'http1' },
    'payload-bytes': { type: 'string', default: '1024' },
    'service-delay-us': { type: 'string', default: '0' },
    'error-rate': { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    'stall-after-ms': { type: 'string' },
    'stall-for-ms': { type: 'string', default: '0' },
    // Injected faults, as JSON: [{"kind":"reset","afterMs":1000,"forMs":2000}].
    faults: { type: 'string', default: '[]' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    // Marks the process as belonging to one run, so leftovers can be found by its command line.
    run: { type: 'string' },
  },
});

const protocol = values.protocol as Protocol;
if (!PROTOCOLS.includes(protocol)) {
  process.stderr.write(`workload: --protocol must be one of ${PROTOCOLS.join(', ')}, not ${JSON.stringify(values.protocol)}\n`);
  process.exit(2);
}
const options = {
  payloadBytes: Number(values['payload-bytes']),
  serviceDelayUs: Number(values['service-delay-us']),
  errorRate: Number(values['error-rate']),
  faults: JSON.parse(values.faults) as WorkloadFault[],
  ...(values['stall-after-ms'] === undefined ? {} : { stall: { afterMs: Number(values['stall-after-ms']), forMs: Number(values['stall-for-ms']) } }),
};

let server: ListeningWorkload;
try {
  const tls = values['tls-cert'] && values['tls-key'] ? { certFile: values['tls-cert'], keyFile: values['tls-key'] } : undefined;
  server = await listenWorkload(protocol, options, values.host, Number(values.port), tls);
} catch (error) {
  // One line the platform can show (a port taken, none left), instead of a stack trace.
  process.stderr.write(`workload cannot listen on ${values.host}:${values.port}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ ready: true, port: server.port })}\n`);

const stop = () => {
  server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The platform owns this process: if it goes away, so do we.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
