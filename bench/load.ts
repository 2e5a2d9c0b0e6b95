/**
 * `npm run bench:load`: the load engines against references measured in the same run, all on
 * loopback: wrk, wrk2, Fortio and HAProxy (see bench/README.md). Prints every figure as a ratio
 * or a difference, with the targets of issues 10, 15, 29 and 31 marked MET or MISSED. BENCH_SECTIONS
 * (e.g. "1,4") runs some sections only.
 */
import { bandwidth } from './lib/bandwidth-section.ts';
import { closedLoopVsWrk } from './lib/closed-loop-section.ts';
import { fixedRate, stall } from './lib/fixed-rate-section.ts';
import { SECONDS } from './lib/measure.ts';
import { loaderProcess } from './lib/loader-process-section.ts';
import { memory } from './lib/memory-section.ts';
import { pacingCandidates } from './lib/pacing-candidates.ts';
import { protocols } from './lib/protocols-section.ts';
import { rateFidelity } from './lib/pacing-by-rate.ts';
import { checkTools } from './lib/references.ts';

const SECTIONS: Record<string, () => Promise<void>> = { 1: closedLoopVsWrk, 2: fixedRate, 3: stall, 4: pacingCandidates, 5: rateFidelity, 6: memory, 7: loaderProcess, 8: protocols, 9: bandwidth };
const chosen = (process.env.BENCH_SECTIONS ?? Object.keys(SECTIONS).join(',')).split(',');

// Section 8 needs Fortio alone, section 9 iperf3 alone (it checks for it itself).
const missing = chosen.some((s) => s !== '8' && s !== '9') ? await checkTools() : chosen.includes('8') ? await checkTools(true) : [];
if (missing.length) {
  console.error(`bench:load needs ${missing.join(', ')} (wrk2 and Fortio: build them as bench/README.md says, or set WRK2= and FORTIO= to their paths).`);
  process.exit(2);
}
console.log(`meshbench load benchmark, ${new Date().toISOString()}, Node ${process.version}, BENCH_SECONDS=${SECONDS}, sections ${chosen.join(',')}`);
for (const s of chosen) await SECTIONS[s]!();
