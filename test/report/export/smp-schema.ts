/**
 * Validates a JSON document against an SMP message, with the SMP protos themselves
 * (../shared/interop/smp/, read by protobufjs): every key must be a field of the message (by its
 * .proto name or its JSON name), and every value must have the type the proto3 JSON mapping gives
 * that field (numbers in range, enum names, RFC 3339 timestamps, maps, repeated fields, nested
 * messages). No npm package publishes the SMP result schema (@meshery/schemas carries Meshery's
 * own PerformanceResult, whose runner_results is free-form), so the protos are the schema.
 */
import { basename, join } from 'node:path';
import protobuf from 'protobufjs';
import { repoRoot } from '../../helpers.ts';

export const SMP_DIR = join(repoRoot, '..', 'shared', 'interop', 'smp');

export function loadSmpProtos(): protobuf.Root {
  const root = new protobuf.Root();
  const resolve = root.resolvePath.bind(root);
  // The protos import each other as "protos/x.proto" (their repository's layout); they sit side by side here.
  root.resolvePath = (origin, target) => (target.startsWith('protos/') ? join(SMP_DIR, basename(target)) : resolve(origin, target));
  return root.loadSync(join(SMP_DIR, 'service_mesh_performance.proto'), { keepCase: true });
}

const INT32 = ['int32', 'sint32', 'sfixed32'];
const UINT32 = ['uint32', 'fixed32'];
const INT64 = ['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64'];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Every problem found, as "path: what"; empty when the document is a valid `typeName`. */
export function validateSmp(root: protobuf.Root, typeName: string, doc: unknown): string[] {
  const problems: string[] = [];
  checkMessage(root.lookupType(`smp.${typeName}`), doc, typeName, problems);
  return problems;
}

function checkMessage(type: protobuf.Type, value: unknown, path: string, problems: string[]): void {
  if (type.fullName === '.google.protobuf.Timestamp') {
    if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) problems.push(`${path}: expected an RFC 3339 timestamp, found ${JSON.stringify(value)}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected a ${type.name} object, found ${JSON.stringify(value)}`);
    return;
  }
  const byName = new Map<string, protobuf.Field>();
  for (const field of type.fieldsArray) {
    byName.set(field.name, field);
    byName.set(protobuf.util.camelCase(field.name), field);
  }
  for (const [key, v] of Object.entries(value)) {
    const field = byName.get(key);
    if (!field) {
      problems.push(`${path}.${key}: not a field of ${type.name} (fields: ${type.fieldsArray.map((f) => f.name).join(', ')})`);
      continue;
    }
    field.resolve();
    const at = `${path}.${key}`;
    if (field instanceof protobuf.MapField) {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) problems.push(`${at}: expected a map object`);
      else for (const [k, item] of Object.entries(v)) checkValue(field, item, `${at}[${JSON.stringify(k)}]`, problems);
    } else if (field.repeated) {
      if (!Array.isArray(v)) problems.push(`${at}: expected an array (repeated ${field.type})`);
      else v.forEach((item, i) => checkValue(field, item, `${at}[${i}]`, problems));
    } else checkValue(field, v, at, problems);
  }
}

function checkValue(field: protobuf.Field, v: unknown, at: string, problems: string[]): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, v, at, problems);
  if (resolved instanceof protobuf.Enum) {
    const ok = typeof v === 'string' ? v in resolved.values : Number.isInteger(v) && Object.values(resolved.values).includes(v as number);
    if (!ok) problems.push(`${at}: expected one of ${Object.keys(resolved.values).join(', ')}, found ${JSON.stringify(v)}`);
    return;
  }
  const t = field.type;
  const integer = (min: number, max: number) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) || (typeof v === 'string' && /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max);
  let ok: boolean;
  if (t === 'double' || t === 'float') ok = (typeof v === 'number' && Number.isFinite(v)) || v === 'NaN' || v === 'Infinity' || v === '-Infinity';
  else if (INT32.includes(t)) ok = integer(-(2 ** 31), 2 ** 31 - 1);
  else if (UINT32.includes(t)) ok = integer(0, 2 ** 32 - 1);
  else if (INT64.includes(t)) ok = integer(t.startsWith('u') || t === 'fixed64' ? 0 : Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  else if (t === 'bool') ok = typeof v === 'boolean';
  else if (t === 'string') ok = typeof v === 'string';
  else if (t === 'bytes') ok = typeof v === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v);
  else ok = false;
  if (!ok) problems.push(`${at}: expected ${t}, found ${JSON.stringify(v)}`);
}
