/**
 * The settings file of meshbench's engine when it runs as its own process (an in-cluster Job's pod,
 * a loader pod's network namespace): the contract between the platforms that write it and the
 * engine entry (load/cluster-run.ts) that reads it. A leaf, since platforms may not import load/.
 */
import type { WorkloadTrust } from './workload/protocol.ts';

export interface LoaderSettings {
  mode: 'rate' | 'max' | 'bandwidth';
  /** The URL to load, as the loader's pod reaches it. */
  target: string;
  rateRps?: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  timeoutMs: number;
  jitter?: number;
  lagLimitUs?: number;
  /** Open loop: worker threads in this loader (the one-file bundle refuses more than 1: use more pods). */
  workers?: number;
  /** The common start of every loader on the epoch clock; a loader that starts later fails. */
  startEpochMs?: number;
  /** How many loaders share the load, and which one this is (an Indexed Job's completion index). */
  pods?: number;
  podIndex?: number;
  /** Open loop: forces a pacing (benchmarks compare them); by default the engine picks it per rate (load/pacer.ts). */
  pacing?: 'writer' | 'sleep' | 'adaptive' | 'spin' | 'thread';
  /** h2c and grpc: requests in flight at once per connection (default 1). */
  streamsPerConnection?: number;
  /** tcp: the size of each request and of its echo (the workload's payloadBytes). */
  messageBytes?: number;
  /** https:// and h2:// targets: the run's workload CA (PEM: a certificate, no key) and the name to check; absent, the system's CAs. */
  trust?: WorkloadTrust;
  /** The mesh's quit endpoint (Istio :15020/quitquitquit ...), POSTed once the result is out; left out when the proxy ends by itself. */
  quitUrl?: string;
  /** Say the window's counts on stderr a few times a second (load/live.ts): set by a platform that reads stderr as it comes. */
  liveCounts?: boolean;
}
