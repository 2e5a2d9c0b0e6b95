/**
 * Limits checked before the YAML parser sees a scenario: its size, read in bounded chunks (so a
 * 50 MB file or an endless pipe costs 1 MiB of memory), and how deep it nests, found by a cheap
 * scan (the parser recurses, so 10,000 nested lists would exhaust its stack with an unclear
 * "Maximum call stack size exceeded").
 */
import { open } from 'node:fs/promises';
import { HARD_CEILINGS } from './ceilings.ts';

/** The first `limitBytes + 1` bytes at most: enough to tell that a file is over the limit. */
export async function readBounded(path: string, limitBytes: number): Promise<{ text: string; overLimit: boolean; sizeBytes: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(limitBytes + 1);
    let filled = 0;
    // Bounded loop: each read adds at least one byte or ends it.
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    const overLimit = filled > limitBytes;
    return { text: overLimit ? '' : buffer.subarray(0, filled).toString('utf8'), overLimit, sizeBytes: Math.max(size, filled) };
  } finally {
    await handle.close();
  }
}

export interface DepthExcess {
  /** 0-based offset in the text where nesting passed the limit. */
  offset: number;
  limit: number;
}

/**
 * Where nesting first goes deeper than `limit`, or null. Counts flow brackets (`[`, `{`) outside
 * quotes and comments, plus block nesting: a stack of indentation columns, where each `- ` of a
 * compact sequence (`- - - x`) opens one more level. It may count one level too many (a block
 * scalar's indented text), never fewer, and the limit is far above what a scenario needs.
 */
export function findDepthExcess(text: string, limit: number = HARD_CEILINGS.nestingDepth): DepthExcess | null {
  const indents: number[] = [];
  let flow = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
    let i = lineStart;
    while (i < lineEnd && text[i] === ' ') i++;
    const blank = i === lineEnd || text[i] === '#' || text[i] === '\r';
    if (!blank && flow === 0) {
      const open = (column: number) => {
        while (indents.length && indents.at(-1)! >= column) indents.pop();
        indents.push(column);
      };
      open(i - lineStart);
      while ((text[i] === '-' || text[i] === '?') && (text[i + 1] === ' ' || text[i + 1] === '\t')) {
        i += 2;
        while (text[i] === ' ') i++;
        open(i - lineStart);
        if (indents.length > limit) return { offset: i, limit };
      }
      if (indents.length > limit) return { offset: i, limit };
    }
    for (let quote = ''; i < lineEnd; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === quote) quote = '';
        continue;
      }
      // A quote opens a quoted scalar only where a value starts (`it's` in a plain scalar does not).
      if ((c === '"' || c === "'") && startsValue(text, i, lineStart)) quote = c;
      else if (c === '#' && (i === lineStart || text[i - 1] === ' ')) break;
      else if (c === '[' || c === '{') {
        flow++;
        if (indents.length + flow > limit) return { offset: i, limit };
      } else if ((c === ']' || c === '}') && flow > 0) flow--;
    }
    lineStart = lineEnd + 1;
  }
  return null;
}

/** Whether position `i` is where a scalar may start: first on its line, or after `:`, `-`, `?`, `,`, `[` or `{` and spaces. */
function startsValue(text: string, i: number, lineStart: number): boolean {
  let k = i - 1;
  while (k >= lineStart && text[k] === ' ') k--;
  return k < lineStart || ':-?,[{'.includes(text[k]!);
}
