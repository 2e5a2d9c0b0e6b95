/**
 * Fortio's gRPC ping message (fgrpc/ping.proto in fortio/fortio), encoded by hand: four fields
 * are not worth a protobuf runtime and a .proto file to load at start-up.
 *
 *   message PingMessage { int64 seq = 1; int64 ts = 2; string payload = 3; int64 delayNanos = 4; }
 *
 * int64s are varints (negative ones as 10-byte two's complement), so they go through BigInt: a
 * timestamp in nanoseconds is past Number's exact range. Unknown fields are skipped, as protobuf
 * requires, so a newer Fortio's extra fields do not break the workload.
 */
export interface PingMessage {
  seq: bigint;
  /** Client: its send time; server: its receive time. Unix nanoseconds. */
  ts: bigint;
  payload: string;
  /** The client asks the server to delay its reply by this long. */
  delayNanos: bigint;
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

export function emptyPing(): PingMessage {
  return { seq: 0n, ts: 0n, payload: '', delayNanos: 0n };
}

export function encodePing(m: PingMessage): Buffer {
  const bytes: number[] = [];
  const varint = (value: bigint) => {
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    bytes.push(Number(v));
  };
  const payload = Buffer.from(m.payload, 'utf8');
  // proto3 leaves fields at their default out; fields go in number order.
  if (m.seq !== 0n) (bytes.push((1 << 3) | VARINT), varint(m.seq));
  if (m.ts !== 0n) (bytes.push((2 << 3) | VARINT), varint(m.ts));
  if (payload.length > 0) (bytes.push((3 << 3) | LEN), varint(BigInt(payload.length)));
  const head = Buffer.from(bytes);
  bytes.length = 0;
  if (m.delayNanos !== 0n) (bytes.push((4 << 3) | VARINT), varint(m.delayNanos));
  return Buffer.concat([head, payload, Buffer.from(bytes)]);
}

export function decodePing(b: Uint8Array): PingMessage {
  const m = emptyPing();
  let i = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (i >= b.length) throw new RangeError('PingMessage: truncated varint');
      const byte = b[i++]!;
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, v);
      if (shift > 63n) throw new RangeError('PingMessage: varint longer than 10 bytes');
    }
  };
  while (i < b.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    if (wire === VARINT) {
      const v = varint();
      if (field === 1) m.seq = v;
      else if (field === 2) m.ts = v;
      else if (field === 4) m.delayNanos = v;
    } else if (wire === LEN) {
      const length = Number(varint());
      if (i + length > b.length) throw new RangeError('PingMessage: truncated field');
      if (field === 3) m.payload = Buffer.from(b.buffer, b.byteOffset + i, length).toString('utf8');
      i += length;
    } else if (wire === I64) i += 8;
    else if (wire === I32) i += 4;
    else throw new RangeError(`PingMessage: unknown wire type ${wire} of field ${field}`);
  }
  if (i > b.length) throw new RangeError('PingMessage: truncated field');
  return m;
}
