/**
 * gRPC unary calls for the load engines, with grpc-js: N channels (each its own subchannel, so its
 * own HTTP/2 connection), each carrying up to `streamsPerConnection` calls at once (slot k on
 * channel k mod N). Every call is Fortio's ping (fgrpc.PingServer/Ping) with the same small
 * message, encoded once. OK is the 2xx of gRPC (recorded as 200); a status the server chose
 * (INTERNAL, UNAVAILABLE from a fault, ...) is a non-2xx (recorded as 500); a call that never got
 * an answer is an error of its class: UNAVAILABLE without a connection (refused or reset),
 * DEADLINE_EXCEEDED (timeout).
 */
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { ErrorClass } from '../results/model.ts';
import { GRPC_PING_PATH } from '../workload/protocol.ts';
import { decodePing, encodePing, emptyPing, type PingMessage } from '../workload/ping-message.ts';
import { SlotTable, type SlotPool, type SlotPoolOptions } from './slot-pool.ts';

/** Recorded outcome of a call the server answered with a status other than OK. */
const NOT_OK = 500;

type Call = ReturnType<Client['makeUnaryRequest']>;

export class GrpcPool implements SlotPool {
  private readonly clients: Client[];
  private readonly table: SlotTable<Call>;
  private readonly request: PingMessage = { ...emptyPing(), seq: 1n };
  private readonly metadata = new Metadata();
  private readonly serialize: (m: PingMessage) => Buffer;

  constructor(o: SlotPoolOptions) {
    const address = o.target.host;
    // Encoded once: every call sends the same bytes.
    const bytes = encodePing(this.request);
    this.serialize = () => bytes;
    this.clients = Array.from(
      { length: o.connections },
      (_, i) =>
        new Client(address, credentials.createInsecure(), {
          // Without these, grpc-js shares one connection among channels to the same address.
          'grpc.use_local_subchannel_pool': 1,
          'grpc.channel_id': i,
          'grpc.max_receive_message_length': -1,
          'grpc.primary_user_agent': 'meshbench',
        }),
    );
    this.table = new SlotTable<Call>(o.connections * o.streamsPerConnection, o.timeoutMs, o.complete, (call) => call.cancel());
  }

  send(slot: number): void {
    const client = this.clients[slot % this.clients.length]!;
    let call: Call | undefined;
    // The callback can run before makeUnaryRequest returns (a channel already shut down).
    const done = (error: ServiceError | null) => {
      if (call) this.table.end(slot, call, error ? outcomeOf(error) : 200);
      else early = error;
    };
    let early: ServiceError | null | undefined;
    call = client.makeUnaryRequest(GRPC_PING_PATH, this.serialize, decodePing, this.request, this.metadata, done);
    this.table.start(slot, call);
    if (early !== undefined) this.table.end(slot, call, early ? outcomeOf(early) : 200);
  }

  close(): void {
    this.table.close();
    for (const c of this.clients) c.close();
  }
}

/** grpc-js's own wording when a call ended because the connection did (not a status the server sent). */
const LOST_CONNECTION = /No connection established|Connection dropped|Write (error|failed)|ECONNRESET|EPIPE|Received RST_STREAM|Stream refused/i;

function outcomeOf(e: ServiceError): number | ErrorClass {
  if (e.code === status.DEADLINE_EXCEEDED) return 'timeout';
  if (e.code === status.CANCELLED) return 'other';
  if (/ECONNREFUSED/.test(e.details)) return 'refused';
  if ((e.code === status.UNAVAILABLE || e.code === status.INTERNAL) && LOST_CONNECTION.test(e.details)) return 'reset';
  return NOT_OK;
}
