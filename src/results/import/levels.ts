/**
 * Which load level an imported file belongs to, and its files grouped by level: several files of
 * one level are that level's repetitions (the only way an imported baseline gets a spread).
 * Level ids are the ones `bench run` gives (`c4` closed loop, `c4-r1000` open loop at 1000/s),
 * so an import lines up with the levels of the run it is compared with. Pure.
 */
import { UsageError } from '../../errors.ts';
import type { ImportedMeasurement } from './types.ts';

export interface ImportedLevel {
  id: string;
  connections: number;
  /** null: unthrottled (closed loop). */
  targetRps: number | null;
}

export function levelId(connections: number, targetRps: number | null): string {
  return targetRps === null ? `c${connections}` : `c${connections}-r${targetRps}`;
}

/** `--level c4-r1000` or `--level c4`. */
export function parseLevel(text: string): ImportedLevel {
  const m = /^c([1-9]\d*)(?:-r(\d+(?:\.\d+)?))?$/.exec(text);
  if (!m) throw new UsageError({ what: `"${text}" is not a load level`, where: '--level', fix: 'write it as bench run names levels: c<connections> (closed loop) or c<connections>-r<rate> (open loop), e.g. --level c4-r1000' });
  const connections = Number(m[1]);
  const targetRps = m[2] === undefined ? null : Number(m[2]);
  return { id: levelId(connections, targetRps), connections, targetRps };
}

/**
 * The level a file ran at: from `--level` when given (it wins: wrk2 does not print its rate, k6
 * and .hlog record no connections), else from the file. A file that contradicts `--level` is an
 * error, not silently relabelled.
 */
export function levelOf(m: ImportedMeasurement, given: ImportedLevel | null): ImportedLevel {
  if (given) {
    const clash = (m.connections !== null && m.connections !== given.connections) || (m.targetRpsRecorded && m.targetRps !== given.targetRps);
    if (clash) {
      throw new UsageError({
        what: `the file ran at ${levelId(m.connections ?? given.connections, m.targetRps)} (${m.connections ?? '?'} connections, ${m.targetRps ?? 'max'} target rate), not at --level ${given.id}`,
        where: m.file,
        fix: 'import files of another level in their own `bench import` with their own --level, or leave --level out to take the level from the files',
      });
    }
    return given;
  }
  if (m.connections === null || !m.targetRpsRecorded) {
    const missing = m.connections === null ? 'how many connections it used' : 'the rate it was asked for';
    throw new UsageError({
      what: `${m.tool} does not record ${missing}, so the load level is unknown`,
      where: m.file,
      fix: 'give the level the run had, as bench run names it: --level c<connections>-r<rate>, e.g. --level c4-r1000',
    });
  }
  return { id: levelId(m.connections, m.targetRps), connections: m.connections, targetRps: m.targetRps };
}

export interface ImportedLevelGroup {
  level: ImportedLevel;
  /** In the order given: repetition 1, 2, ... */
  repetitions: ImportedMeasurement[];
}

export function groupByLevel(measurements: readonly ImportedMeasurement[], given: ImportedLevel | null): ImportedLevelGroup[] {
  const groups = new Map<string, ImportedLevelGroup>();
  for (const m of measurements) {
    const level = levelOf(m, given);
    const group = groups.get(level.id) ?? { level, repetitions: [] };
    group.repetitions.push(m);
    groups.set(level.id, group);
  }
  return [...groups.values()];
}
