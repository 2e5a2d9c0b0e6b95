/**
 * The kinds of field the scenario schema is built of (schema.ts): durations and percentages with
 * their ceilings and the sets that let error messages show how one is written, and text that may
 * not carry control characters.
 */
import { z } from 'zod';
import { DURATION_PATTERN, formatDurationMs, isDuration, parseDurationMs } from './duration.ts';

/** Duration fields, so that errors about them can show how a duration is written. */
export const durationSchemas = new WeakSet<z.ZodType>();

/** A duration up to `maxMs` (see ceilings.ts): `duration: 100000h` is a typo, not a plan. */
export function duration(description: string, maxMs: number) {
  const schema = z
    .string()
    .regex(DURATION_PATTERN)
    .refine((text) => !isDuration(text) || parseDurationMs(text) <= maxMs, {
      message: `must be at most ${formatDurationMs(maxMs)} (meshbench's ceiling)`,
      params: { fix: `use a duration up to ${formatDurationMs(maxMs)}; the ceilings are listed in docs/reliability.md` },
    })
    .meta({ description: `${description} At most ${formatDurationMs(maxMs)}.`, examples: ['500ms', '10s', '1m30s'] });
  durationSchemas.add(schema);
  return schema;
}

/**
 * Control characters (NUL, ESC, DEL, C1) in a string that reaches terminals, file names and
 * reports: an escape sequence in a name could rewrite a CI log. `multiline` lets tab and newline in.
 */
export function printable(schema: z.ZodString, multiline = false) {
  const control = multiline ? /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/ : /[\u0000-\u001f\u007f-\u009f]/;
  return schema.refine((text) => !control.test(text), {
    message: 'holds a control character (NUL, an escape sequence, ...), which would reach terminals and file names',
    params: { fix: 'remove it; write plain text' },
  });
}

/** "0.1%", "5%": a fraction written as a percentage. */
export const PERCENT_PATTERN = /^\d+(\.\d+)?%$/;
/** Percentage fields, so that errors about them can show how one is written. */
export const percentSchemas = new WeakSet<z.ZodType>();
export const percentage = (description: string, max: number) => {
  const schema = z
    .string()
    .regex(PERCENT_PATTERN)
    .refine((text) => !PERCENT_PATTERN.test(text) || Number.parseFloat(text) <= max, { message: `must be at most ${max}%`, params: { fix: `write a percentage from 0% to ${max}%` } })
    .meta({ description, examples: ['0.1%', '5%'] });
  percentSchemas.add(schema);
  return schema;
};

