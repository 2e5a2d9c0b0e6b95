/** Finding things in a parsed YAML document by their path in the scenario. */
import { isMap, isPair, isScalar, type Document, type Node } from 'yaml';

export type Path = readonly PropertyKey[];

/** The node of `key` itself (not its value) in the mapping at `path`. */
export function keyNodeOf(doc: Document, path: Path, key: string, map: unknown = doc.getIn(path as unknown[], true) ?? doc.contents): Node | undefined {
  const pair = isMap(map) ? map.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === key) : undefined;
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** The deepest node that exists on the way to `path`, for a position to point at. */
export function nodeAt(doc: Document, path: Path): Node | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
    if (node && typeof node === 'object' && 'range' in node) return node as Node;
  }
  return undefined;
}

export function dotPath(path: Path): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}
