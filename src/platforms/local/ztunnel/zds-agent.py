#!/usr/bin/env python3
"""Stands in for istio-cni's node agent: enrols pods with one ztunnel over its ZDS socket.

ztunnel in shared (ambient, in-pod) mode connects to INPOD_UDS, a SOCK_SEQPACKET unix socket, and
expects each enrolled pod's network-namespace file descriptor (SCM_RIGHTS) with its WorkloadInfo.
Node cannot send descriptors over such a socket, hence this helper; standard library only, the
few protobuf messages of proto/zds.proto (ztunnel 1.30.3) are encoded by hand.

Usage (root): zds-agent.py --run RUN_ID UDS_PATH NETNS_PATH:UID:NAMESPACE/NAME/SERVICE_ACCOUNT ...
Prints LISTENING, then ENROLLED <uid> per acked pod, then SNAPSHOT_ACKED; stays connected (ztunnel
reads a closed connection as "agent restarted") until ztunnel disconnects, stdin closes (the
harness is gone) or SIGTERM.
"""
import os
import select
import signal
import socket
import sys


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def ld(field: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return varint((field << 3) | 2) + varint(len(payload)) + payload


def read_varint(b: bytes, i: int):
    n = shift = 0
    while True:
        c = b[i]
        i += 1
        n |= (c & 0x7F) << shift
        shift += 7
        if not c & 0x80:
            return n, i


def fields(b: bytes):
    i = 0
    while i < len(b):
        key, i = read_varint(b, i)
        if key & 7 != 2:
            raise RuntimeError(f"unexpected wire type {key & 7} in {b!r}")
        length, i = read_varint(b, i)
        yield key >> 3, b[i:i + length]
        i += length


def ack_error(buf: bytes) -> str:
    """WorkloadResponse{ack(1): Ack{error(1): string}}: the error, '' when acked."""
    if not buf:
        raise RuntimeError("ztunnel closed the ZDS connection")
    for f, v in fields(buf):
        if f == 1:
            return next((v2.decode() for f2, v2 in fields(v) if f2 == 1), "")
    return ""


def wait_readable(sock) -> bool:
    """Blocks until sock is readable; False when stdin closed first (our parent is gone)."""
    while True:
        ready, _, _ = select.select([sock, sys.stdin], [], [])
        if sys.stdin in ready and not os.read(sys.stdin.fileno(), 4096):
            return False
        if sock in ready:
            return True


def main():
    args = sys.argv[1:]
    if len(args) < 4 or args[0] != "--run":
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    uds, specs = args[2], args[3:]
    pods = []
    for spec in specs:
        netns_path, uid, info = spec.split(":", 2)
        namespace, name, sa = info.split("/", 2)
        pods.append((netns_path, uid, namespace, name, sa))

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if os.path.exists(uds):
        os.unlink(uds)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    srv.bind(uds)
    srv.listen(1)
    print("LISTENING", uds, flush=True)
    if not wait_readable(srv):
        return
    conn, _ = srv.accept()
    conn.recv(100)  # ZdsHello{version: V1}

    # As istio-cni does: AddWorkload per pod, each acked, then SnapshotSent.
    for netns_path, uid, namespace, name, sa in pods:
        fd = os.open(netns_path, os.O_RDONLY | os.O_CLOEXEC)
        info = ld(1, name.encode()) + ld(2, namespace.encode()) + ld(3, sa.encode())
        socket.send_fds(conn, [ld(1, ld(1, uid.encode()) + ld(2, info))], [fd])  # WorkloadRequest{add}
        os.close(fd)
        err = ack_error(conn.recv(1000))
        if err:
            print(f"NACK {uid}: {err}", flush=True)
            sys.exit(1)
        print(f"ENROLLED {uid}", flush=True)
    conn.send(ld(3, b""))  # WorkloadRequest{snapshot_sent}
    err = ack_error(conn.recv(1000))
    if err:
        print(f"NACK snapshot: {err}", flush=True)
        sys.exit(1)
    print("SNAPSHOT_ACKED", flush=True)

    while wait_readable(conn):
        if not conn.recv(1000):
            print("ZTUNNEL_DISCONNECTED", flush=True)
            return


if __name__ == "__main__":
    main()
