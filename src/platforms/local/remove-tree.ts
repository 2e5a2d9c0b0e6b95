/** Synchronous removal of a folder for exit hooks, where the event loop is gone. */
import { existsSync, rmSync } from 'node:fs';

const ATTEMPTS = 5;

/**
 * Removes `dir` and all in it, even while an asynchronous `rm` of it is still in flight. A forced
 * exit (a second Ctrl-C) can come while `close()` is removing the working folder: Node's
 * `rmSync` then meets entries the other removal took first, treats that ENOENT as done and
 * returns with the folder still there (about 2 % of such races here, Node 24.21). Trying again
 * until it is gone removes the rest; the attempts are bounded so an exit never hangs.
 */
export function removeTreeSync(dir: string): void {
  for (let i = 0; i < ATTEMPTS && existsSync(dir); i++) rmSync(dir, { recursive: true, force: true });
}
