/** Kubernetes label selectors, evaluated here to know whether a webhook or a node would select our objects. */

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** As the API server evaluates it; an absent or empty selector selects everything. */
export function selects(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    const values = e.values ?? [];
    const ok =
      e.operator === 'In' ? has && values.includes(value!)
      : e.operator === 'NotIn' ? !has || !values.includes(value!)
      : e.operator === 'Exists' ? has
      : e.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

/** `a=b,c=d` for a label-selector query parameter. */
export const selectorQuery = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

/** A nodeSelector (plain labels) against a node's labels. */
export const nodeSelectorMatches = (nodeSelector: Record<string, string> | null | undefined, labels: Record<string, string>): boolean =>
  Object.entries(nodeSelector ?? {}).every(([k, v]) => labels[k] === v);
