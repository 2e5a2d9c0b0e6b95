/** A platform that starts nothing and records what it was asked, for orchestrator tests. */
import type { Deployment, DeployRequest, Platform } from '../../src/platforms/types.ts';

export class FakePlatform implements Platform {
  readonly name = 'fake';
  readonly components = { fake: '1.0' };
  readonly layout = 'loopback';
  readonly calls: string[] = [];
  /** Trial indexes whose deploy fails. */
  failDeployOf = new Set<number>();
  /** What every deployment reports as watched containers. */
  containers: Deployment['containers'] = [];
  private readonly live = new Set<Deployment>();

  async deploy(req: DeployRequest, signal: AbortSignal): Promise<Deployment> {
    signal.throwIfAborted();
    this.calls.push(`deploy ${req.trial.index} ${req.mesh.name}`);
    if (this.failDeployOf.has(req.trial.index)) throw new Error(`fake deploy failure of trial ${req.trial.index}`);
    const d: Deployment = { load: { where: 'in-process', targetUrl: new URL(`http://fake/${req.trial.index}`) }, meshLabel: `${req.mesh.name} (fake)`, containers: this.containers };
    this.live.add(d);
    return d;
  }

  async teardown(d: Deployment): Promise<void> {
    this.calls.push(`teardown ${d.load.targetUrl.pathname.slice(1)}`);
    this.live.delete(d);
  }

  async close(): Promise<void> {
    this.calls.push('close');
  }

  get liveDeployments(): number {
    return this.live.size;
  }
}
