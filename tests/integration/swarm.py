"""An independent client for the swarm legacy "kvstore" protocol of the DHT and log nodes,
written from specs/swarm.md §1.3, §3.5, §5.1 and §5.2 (not from shoal's code): int32 LE
command/status codes, u64-length-prefixed arrays, 16-hex-digit keys, LZO1X-1 record batches.
Used by the integration tests to check dhtnode and logfilesnode against the spec rather than
against shoal's own client."""

import hashlib
import hmac
import socket
import struct
import time

import lzo

PUT, GET, EXISTS, REMOVE = 1, 7, 11, 12
GET_CHANNELS, GET_CHANNEL_SIZE, GET_SIZE, GET_RESPONSIBLE_RANGE = 17, 18, 19, 20
REMOVE_CHANNEL, GET_NUM_CONNECTIONS, GET_VERSION, LISTEN = 22, 23, 24, 25
GET_ALL, GET_ALL_KEYS, GET_ALL_FILTER, REDISTRIBUTE, PUT_BATCH = 29, 30, 31, 33, 34
GET_STATS = 64
# Log nodes (specs/swarm.md §3.5; the DLS codes where the 2014 ones are unknown).
PUT_DUP, GET_RANGE, GET_RANGE_FILTER, LOG_PUT_BATCH = 3, 28, 32, 36

OK, INVALID_REQUEST, WRONG_NODE, NOT_SUPPORTED = 200, 400, 404, 406
OUT_OF_MEMORY, EMPTY_VALUE, BAD_CHANNEL_NAME, VALUE_TOO_BIG, ERROR = 407, 408, 409, 410, 500


def i32(v):
    return struct.pack("<i", v)


def u64(v):
    return struct.pack("<Q", v)


def arr(b):
    if isinstance(b, str):
        b = b.encode()
    return u64(len(b)) + b


def hexkey(k):
    return b"%016x" % k


def bitswap(k):
    return int(format(k, "064b")[::-1], 2)


def make_batch(records, keys_only=False):
    """Builds a compressed batch payload: u64 raw length + LZO1X-1 block."""
    raw = b"".join(arr(hexkey(k)) + (b"" if keys_only else arr(v)) for k, v in records)
    return u64(len(raw)) + lzo.compress(raw, 1, False)


def lzo_shrank(payload):
    """True if a batch payload is LZO compressed to less than half its records' size; a
    literal run (a batch sent uncompressed) is a little longer than they are."""
    (raw_len,) = struct.unpack_from("<Q", payload)
    return len(payload) - 8 < raw_len // 2


def parse_batch(payload, keys_only=False):
    (raw_len,) = struct.unpack_from("<Q", payload)
    raw = lzo.decompress(payload[8:], False, raw_len)
    assert len(raw) == raw_len, "batch length mismatch"
    out, pos = [], 0
    while pos < len(raw):
        (n,) = struct.unpack_from("<Q", raw, pos)
        key = raw[pos + 8:pos + 8 + n]
        pos += 8 + n
        if keys_only:
            out.append((int(key, 16), None))
            continue
        (m,) = struct.unpack_from("<Q", raw, pos)
        out.append((int(key, 16), raw[pos + 8:pos + 8 + m]))
        pos += 8 + m
    return out


class Client:
    def __init__(self, host, port, timeout=30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def recv_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("connection closed by the node")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def status(self):
        return struct.unpack("<i", self.recv_exact(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.recv_exact(8))[0]

    def array(self):
        return self.recv_exact(self.u64())

    def closed_by_peer(self, timeout=5):
        """True if the node closes the connection (reads until EOF)."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    # Authentication (shoal's use of specs/swarm.md §5.3 on the legacy port).
    def authenticate(self, name, key, timestamp=None):
        timestamp = int(time.time()) if timestamp is None else timestamp
        self.send(u64(timestamp))
        nonce = self.recv_exact(4)
        code = hmac.new(key, struct.pack("<Q", timestamp) + nonce, hashlib.sha512).digest()
        self.send(arr(name) + code)
        return self.recv_exact(1) == b"\x01"

    # Requests
    def put(self, channel, key, value):
        self.send(i32(PUT) + arr(channel) + arr(hexkey(key) if isinstance(key, int) else key) + arr(value))
        return self.status()

    def get(self, channel, key):
        self.send(i32(GET) + arr(channel) + arr(hexkey(key) if isinstance(key, int) else key))
        st = self.status()
        return st, (self.array() if st == OK else None)

    def exists(self, channel, key):
        self.send(i32(EXISTS) + arr(channel) + arr(hexkey(key)))
        st = self.status()
        return st, (self.recv_exact(1) != b"\x00" if st == OK else None)

    def remove(self, channel, key):
        self.send(i32(REMOVE) + arr(channel) + arr(hexkey(key)))
        return self.status()

    def channels(self):
        self.send(i32(GET_CHANNELS))
        st = self.status()
        names = []
        while st == OK:
            name = self.array()
            if not name:
                break
            names.append(name.decode())
        return st, names

    def _node_info(self):
        addr = self.array().decode()
        (port,) = struct.unpack("<H", self.recv_exact(2))
        return addr, port

    def channel_size(self, channel):
        self.send(i32(GET_CHANNEL_SIZE) + arr(channel))
        st = self.status()
        if st != OK:
            return st, None
        addr, port = self._node_info()
        return st, (addr, port, self.u64(), self.u64())

    def size(self):
        self.send(i32(GET_SIZE))
        st = self.status()
        addr, port = self._node_info()
        return st, (addr, port, self.u64(), self.u64())

    def responsible_range(self):
        self.send(i32(GET_RESPONSIBLE_RANGE))
        st = self.status()
        return st, (self.u64(), self.u64())

    def remove_channel(self, channel):
        self.send(i32(REMOVE_CHANNEL) + arr(channel))
        return self.status()

    def num_connections(self):
        self.send(i32(GET_NUM_CONNECTIONS))
        st = self.status()
        addr, port = self._node_info()
        return st, self.u64()

    def version(self):
        self.send(i32(GET_VERSION))
        st = self.status()
        return st, self.array().decode()

    def stats(self):
        self.send(i32(GET_STATS))
        st = self.status()
        return st, dict(line.split(":", 1) for line in self.array().decode().splitlines())

    def batch_payloads(self, pause=0):
        """The payloads of a batch stream whose status was read, sleeping pause seconds after
        each (a client that reads slowly)."""
        payloads = []
        while True:
            payload = self.array()
            if not payload:
                return payloads
            payloads.append(payload)
            time.sleep(pause)

    def _batches(self, keys_only):
        return [r for p in self.batch_payloads() for r in parse_batch(p, keys_only)]

    def get_all(self, channel):
        self.send(i32(GET_ALL) + arr(channel))
        st = self.status()
        return st, (self._batches(False) if st == OK else None)

    def get_all_keys(self, channel):
        self.send(i32(GET_ALL_KEYS) + arr(channel))
        st = self.status()
        return st, ([k for k, _ in self._batches(True)] if st == OK else None)

    def get_all_filter(self, channel, needle):
        self.send(i32(GET_ALL_FILTER) + arr(channel) + arr(needle))
        st = self.status()
        return st, (self._batches(False) if st == OK else None)

    def put_batch(self, channel, records):
        self.send(i32(PUT_BATCH) + arr(channel) + arr(make_batch(records)))
        return self.status()

    def put_batches(self, channel, records, batch_size=64 * 1024):
        """Stores records in as many batches of at most batch_size raw bytes as needed."""
        batch, size = [], 0
        for key, value in records:
            rec = 8 + 16 + 8 + len(value)
            if batch and size + rec > batch_size:
                st = self.put_batch(channel, batch)
                if st != OK:
                    return st
                batch, size = [], 0
            batch.append((key, value))
            size += rec
        return self.put_batch(channel, batch) if batch else OK

    def put_dup(self, channel, key, value):
        self.send(i32(PUT_DUP) + arr(channel) + arr(hexkey(key)) + arr(value))
        return self.status()

    def get_range(self, channel, low, high, needle=None):
        """GetRange (or GetRangeFilter with needle): status and [(key, value)]."""
        if needle is None:
            self.send(i32(GET_RANGE) + arr(channel) + arr(hexkey(low)) + arr(hexkey(high)))
        else:
            self.send(i32(GET_RANGE_FILTER) + arr(channel) + arr(hexkey(low)) +
                      arr(hexkey(high)) + arr(needle))
        st = self.status()
        return st, (self._batches(False) if st == OK else None)

    def log_put_batch(self, channel, records):
        self.send(i32(LOG_PUT_BATCH) + arr(channel) + arr(make_batch(records)))
        return self.status()

    def listen(self, channel):
        """Starts a Listen; then call listen_next() for each (key, value) pair."""
        self.send(i32(LISTEN) + arr(channel))
        return self.status()

    def listen_next(self):
        key = self.array()
        value = self.array()
        return (int(key, 16) if key else None), value

    def redistribute(self, new_min, new_max, nodes):
        msg = i32(REDISTRIBUTE) + u64(new_min) + u64(new_max)
        for host, port, lo, hi in nodes:
            msg += arr(host) + struct.pack("<H", port) + u64(lo) + u64(hi)
        msg += arr(b"")
        self.send(msg)
        return self.status()
