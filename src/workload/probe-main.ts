/**
 * A probe as a process, for places the harness cannot dial itself (inside a pod's network
 * namespace). Usage: node probe-main.ts URL MESSAGE_BYTES TIMEOUT_MS; exits 0 when answered.
 */
import { probeOnce } from './probe.ts';

const [url = '', bytes = '0', timeoutMs = '2000'] = process.argv.slice(2);
process.exitCode = (await probeOnce(new URL(url), Number(bytes), Number(timeoutMs))) ? 0 : 1;
// grpc-js may keep a timer alive for a while after its channel closes.
process.exit();
