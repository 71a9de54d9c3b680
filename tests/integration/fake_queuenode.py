"""A small in-memory queue node for testing clients without the real queuenode: the legacy
swarm queue protocol of specs/swarm.md §4.4-4.5 (pipelined requests, a FIFO per subscriber
ring, competing consumers on one ring, SUBSCRIBER@CHANNEL subscribers, Produce streams,
GetVersion and GetStats), built on swarm.py's framing. Not a reference: the real queuenode is;
this lets the queue CLI's tests run while it is being written.

Subscribers, as in §4.5: a channel starts with one unclaimed ring; the first consumer (plain
or named) claims it with its records, later subscribers start empty; a push is copied to every
ring; consumers of the same name compete for its records; Pop takes from the unclaimed ring or
the plain consumers' ring.

usage: fake_queuenode.py --listen HOST:PORT [--size-limit BYTES]
Prints `listening HOST:PORT` when ready; stops on SIGTERM with exit 0."""

import argparse
import collections
import re
import signal
import socketserver
import struct
import sys
import threading

from swarm import BAD_CHANNEL_NAME, EMPTY_VALUE, OK, OUT_OF_MEMORY, VALUE_TOO_BIG, arr, i32, u64

API_VERSION = b"20110401"
MAX_VALUE = 1 << 20
NAME_RE = re.compile(rb"^[A-Za-z0-9_-]{1,236}$")
UNCLAIMED = None  # the ring of a channel nobody has consumed yet


class Channel:
    def __init__(self):
        self.rings = {UNCLAIMED: collections.deque()}  # subscriber name -> records
        self.consumers = {}  # subscriber name -> list of Handler (competing)
        self.turn = 0

    def ring(self, subscriber):
        if subscriber not in self.rings:
            self.rings[subscriber] = self.rings.pop(UNCLAIMED, collections.deque())
        return self.rings[subscriber]

    def bytes(self):
        return max((sum(len(v) for v in r) for r in self.rings.values()), default=0)

    def records(self):
        return max((len(r) for r in self.rings.values()), default=0)


class Store:
    def __init__(self, size_limit):
        self.size_limit = size_limit
        self.lock = threading.Lock()
        self.channels = {}
        self.connections = 0
        self.requests = 0
        self.pushed = 0
        self.popped = 0

    def push(self, name, value):
        """Stores value in every ring of channel name (or hands it to a consumer of the ring);
        False when a ring is full. Called with the lock held."""
        channel = self.channels.setdefault(name, Channel())
        if self.size_limit and channel.bytes() + len(value) > self.size_limit:
            return False
        self.pushed += 1
        for subscriber, ring in channel.rings.items():
            group = channel.consumers.get(subscriber)
            if group:
                channel.turn += 1
                group[channel.turn % len(group)].push(arr(value))
                self.popped += 1
            else:
                ring.append(value)
        return True


def split_target(target):
    """(subscriber, channel) of a Consume channel, or None if it is not valid."""
    subscriber, sep, channel = target.rpartition(b"@")
    if not NAME_RE.match(channel) or (sep and not NAME_RE.match(subscriber)):
        return None
    return (subscriber.decode() if sep else ""), channel


class Handler(socketserver.BaseRequestHandler):
    def setup(self):
        self.buf = b""
        self.send_lock = threading.Lock()
        self.consuming = None  # (channel name, subscriber)
        with self.server.store.lock:
            self.server.store.connections += 1

    def finish(self):
        store = self.server.store
        with store.lock:
            store.connections -= 1
            self.stop_consuming()

    def stop_consuming(self):
        if self.consuming is None:
            return
        name, subscriber = self.consuming
        channel = self.server.store.channels.get(name)
        if channel and self in channel.consumers.get(subscriber, []):
            channel.consumers[subscriber].remove(self)
        self.consuming = None

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

    def names(self):
        found = []
        while True:
            name = self.array()
            if not name:
                return found
            found.append(name)

    def handle(self):
        try:
            while True:
                (cmd,) = struct.unpack("<i", self.need(4))
                reply = self.dispatch(cmd)
                if reply is None:
                    return
                if reply:
                    self.push(reply)
        except (EOFError, OSError):
            return

    def node_info(self):
        host, port = self.server.server_address[:2]
        return arr(host) + struct.pack("<H", port)

    def dispatch(self, cmd):
        store = self.server.store
        with store.lock:
            store.requests += 1
        if cmd in (1, 9):  # Push, PushMulti
            targets = [self.array()] if cmd == 1 else self.names()
            value = self.array()
            if not targets or not all(NAME_RE.match(c) for c in targets):
                return i32(BAD_CHANNEL_NAME)
            if not value:
                return i32(EMPTY_VALUE)
            if len(value) > MAX_VALUE:
                return i32(VALUE_TOO_BIG)
            with store.lock:
                stored = [store.push(c, value) for c in targets]
            return i32(OK if all(stored) else OUT_OF_MEMORY)
        if cmd == 2:  # Pop
            name = self.array()
            if not NAME_RE.match(name):
                return i32(BAD_CHANNEL_NAME)
            with store.lock:
                channel = store.channels.get(name)
                ring = None
                if channel:
                    ring = channel.rings.get(UNCLAIMED, channel.rings.get(""))
                value = ring.popleft() if ring else b""
                store.popped += bool(value)
            return i32(OK) + arr(value)
        if cmd == 3:  # GetChannels
            with store.lock:
                found = sorted(store.channels)
            return i32(OK) + b"".join(arr(n) for n in found) + arr(b"")
        if cmd in (4, 5):  # GetChannelSize, GetSize
            name = self.array() if cmd == 4 else None
            if name is not None and not NAME_RE.match(name):
                return i32(BAD_CHANNEL_NAME)
            with store.lock:
                chans = ([store.channels[name]] if name in store.channels else []) \
                    if cmd == 4 else list(store.channels.values())
                records = sum(c.records() for c in chans)
                size = sum(c.bytes() for c in chans)
            return i32(OK) + self.node_info() + u64(records) + u64(size)
        if cmd == 6:  # Consume
            target = split_target(self.array())
            if target is None:
                return i32(BAD_CHANNEL_NAME)
            subscriber, name = target
            with store.lock:
                channel = store.channels.setdefault(name, Channel())
                ring = channel.ring(subscriber)
                backlog = b"".join(arr(v) for v in ring)
                store.popped += len(ring)
                ring.clear()
                self.consuming = (name, subscriber)
                channel.consumers.setdefault(subscriber, []).append(self)
                self.push(i32(OK) + backlog)  # under the lock: before any later push
            return b""
        if cmd == 7:  # GetSizeLimit
            return i32(OK) + self.node_info() + u64(store.size_limit)
        if cmd == 8:  # GetNumConnections
            with store.lock:
                count = store.connections
            return i32(OK) + self.node_info() + u64(count)
        if cmd in (10, 11):  # Produce, ProduceMulti
            targets = [self.array()] if cmd == 10 else self.names()
            if not targets or not all(NAME_RE.match(c) for c in targets):
                return i32(BAD_CHANNEL_NAME)
            self.push(i32(OK))
            while True:
                value = self.array()
                if not value:
                    return b""  # the connection carries requests again
                with store.lock:
                    for c in targets:
                        store.push(c, value)  # a record that does not fit is dropped (§4.2)
        if cmd == 12:  # RemoveChannel
            name = self.array()
            if not NAME_RE.match(name):
                return i32(BAD_CHANNEL_NAME)
            with store.lock:
                channel = store.channels.pop(name, None)
                for group in (channel.consumers.values() if channel else []):
                    for h in group:
                        h.push(arr(b""))
                        h.consuming = None
            return i32(OK)
        if cmd == 24:  # GetVersion
            return i32(OK) + arr(API_VERSION)
        if cmd == 64:  # GetStats
            with store.lock:
                text = "channels:%d\nconnections:%d\nrequests:%d\npushed:%d\npopped:%d\n" % (
                    len(store.channels), store.connections, store.requests, store.pushed,
                    store.popped)
            return i32(OK) + arr(text)
        return None  # unknown command: drop the connection, as the original does


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--listen", required=True)
    ap.add_argument("--size-limit", type=int, default=0, help="bytes per channel; 0: none")
    args = ap.parse_args()
    host, port = args.listen.rsplit(":", 1)
    server = Server((host, int(port)), Handler)
    server.store = Store(args.size_limit)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("listening %s:%d" % server.server_address[:2], flush=True)
    server.serve_forever(poll_interval=0.05)
    sys.exit(0)


if __name__ == "__main__":
    main()
