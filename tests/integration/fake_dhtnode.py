"""A small in-memory DHT node for testing clients without the real dhtnode: the legacy swarm
protocol of specs/swarm.md §1.3 (pipelined requests, LZO batches, Listen with removals as a
key and an empty value, GetStats), built on swarm.py's codec. Not a reference: the real
dhtnode is; this lets the dht CLI's tests run while it is being written.

usage: fake_dhtnode.py --listen HOST:PORT [--range MIN:MAX]
Prints `listening HOST:PORT` when ready; stops on SIGTERM with exit 0."""

import argparse
import re
import signal
import socketserver
import struct
import sys
import threading

from swarm import (EMPTY_VALUE, BAD_CHANNEL_NAME, OK, WRONG_NODE, arr, bitswap, hexkey,
                   i32, make_batch, parse_batch, u64)

API_VERSION = b"20110401"
BATCH = 64 * 1024
CHANNEL_RE = re.compile(rb"^[A-Za-z0-9_-]{1,236}$")


class Store:
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi
        self.lock = threading.Lock()
        self.channels = {}
        self.listeners = {}  # channel -> set of Handler
        self.connections = 0
        self.requests = 0

    def responsible(self, key):
        return self.lo <= bitswap(key) <= self.hi

    def notify(self, channel, key, value):
        for h in list(self.listeners.get(channel, ())):
            h.push(arr(hexkey(key)) + arr(value))


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.buf = b""
        self.send_lock = threading.Lock()
        with self.server.store.lock:
            self.server.store.connections += 1

    def finish(self):
        store = self.server.store
        with store.lock:
            store.connections -= 1
            for group in store.listeners.values():
                group.discard(self)

    def push(self, data):
        with self.send_lock:
            try:
                self.request.sendall(data)
            except OSError:
                pass

    def need(self, n):
        while len(self.buf) < n:
            chunk = self.request.recv(1 << 20)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def array(self):
        (n,) = struct.unpack("<Q", self.need(8))
        return self.need(n)

    def handle(self):
        try:
            while True:
                (cmd,) = struct.unpack("<i", self.need(4))
                reply = self.dispatch(cmd)
                if reply is None:
                    return
                self.push(reply)
        except (EOFError, OSError):
            return

    def dispatch(self, cmd):
        store = self.server.store
        with store.lock:
            store.requests += 1
        if cmd in (1, 7, 11, 12):  # Put, Get, Exists, Remove
            channel, key = self.array(), self.array()
            value = self.array() if cmd == 1 else None
            if not CHANNEL_RE.match(channel):
                return i32(BAD_CHANNEL_NAME)
            k = int(key, 16)
            with store.lock:
                records = store.channels.setdefault(channel, {})
                if cmd == 1:
                    if not store.responsible(k):
                        return i32(WRONG_NODE)
                    if not value:
                        return i32(EMPTY_VALUE)
                    records[k] = value
                    store.notify(channel, k, value)
                    return i32(OK)
                if cmd == 7:
                    return i32(OK) + arr(records.get(k, b""))
                if cmd == 11:
                    return i32(OK) + (b"\x01" if k in records else b"\x00")
                if not store.responsible(k):
                    return i32(WRONG_NODE)
                if records.pop(k, None) is not None:
                    store.notify(channel, k, b"")
                return i32(OK)
        if cmd == 17:  # GetChannels
            with store.lock:
                names = sorted(c for c, r in store.channels.items())
            return i32(OK) + b"".join(arr(n) for n in names) + arr(b"")
        if cmd in (18, 19):  # GetChannelSize, GetSize
            channel = self.array() if cmd == 18 else None
            with store.lock:
                chans = [store.channels.get(channel, {})] if cmd == 18 else store.channels.values()
                records = sum(len(r) for r in chans)
                size = sum(len(v) for r in chans for v in r.values())
            host, port = self.server.server_address[:2]
            return i32(OK) + arr(host) + struct.pack("<H", port) + u64(records) + u64(size)
        if cmd == 20:  # GetResponsibleRange
            return i32(OK) + u64(store.lo) + u64(store.hi)
        if cmd == 22:  # RemoveChannel
            channel = self.array()
            with store.lock:
                store.channels.pop(channel, None)
                for h in store.listeners.pop(channel, ()):
                    h.push(arr(b"") + arr(b""))
            return i32(OK)
        if cmd == 24:  # GetVersion
            return i32(OK) + arr(API_VERSION)
        if cmd == 64:  # GetStats
            with store.lock:
                text = "records:%d\nconnections:%d\nrequests:%d\n" % (
                    sum(len(r) for r in store.channels.values()), store.connections, store.requests)
            return i32(OK) + arr(text)
        if cmd == 25:  # Listen
            channel = self.array()
            self.push(i32(OK))
            with store.lock:
                store.listeners.setdefault(channel, set()).add(self)
            return b""
        if cmd in (29, 30, 31):  # GetAll, GetAllKeys, GetAllFilter
            channel = self.array()
            needle = self.array() if cmd == 31 else None
            with store.lock:
                items = sorted(store.channels.get(channel, {}).items())
            if needle is not None:
                items = [(k, v) for k, v in items if needle in v]
            out, batch, size = [i32(OK)], [], 0
            for k, v in items:
                rec = 24 + (0 if cmd == 30 else 8 + len(v))
                if batch and size + rec > BATCH:
                    out.append(arr(make_batch(batch, cmd == 30)))
                    batch, size = [], 0
                batch.append((k, v))
                size += rec
            if batch:
                out.append(arr(make_batch(batch, cmd == 30)))
            out.append(arr(b""))
            return b"".join(out)
        if cmd == 34:  # PutBatch
            channel, payload = self.array(), self.array()
            records = parse_batch(payload)
            with store.lock:
                if any(not store.responsible(k) for k, _ in records):
                    return i32(WRONG_NODE)
                if any(not v for _, v in records):
                    return i32(EMPTY_VALUE)
                target = store.channels.setdefault(channel, {})
                for k, v in records:
                    target[k] = v
                    store.notify(channel, k, v)
            return i32(OK)
        return None  # unknown command: drop the connection, as the original does


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--range", default="0000000000000000:ffffffffffffffff")
    args = ap.parse_args()
    host, port = args.listen.rsplit(":", 1)
    lo, hi = (int(x, 16) for x in args.range.split(":"))
    server = Server((host, int(port)), Handler)
    server.store = Store(lo, hi)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("listening %s:%d" % server.server_address[:2], flush=True)
    server.serve_forever(poll_interval=0.05)
    sys.exit(0)


if __name__ == "__main__":
    main()
