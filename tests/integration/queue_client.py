"""An independent client for the swarm legacy queue protocol, written from specs/swarm.md §4.4,
§4.5 and §5.1 (not from shoal's code): int32 LE command/status codes, u64-length-prefixed
arrays, lists ended by an empty array, Consume and Produce streams ended by an empty value.
Built on swarm.py's framing (the DHT's client), whose transport and authentication it reuses;
the DHT requests of the base class are not meaningful on a queue node. Used by the integration
tests to check queuenode against the spec rather than against shoal's own client."""

import struct

from swarm import (BAD_CHANNEL_NAME, EMPTY_VALUE, ERROR, INVALID_REQUEST, NOT_SUPPORTED, OK,
                   OUT_OF_MEMORY, VALUE_TOO_BIG, Client, arr, i32, u64)

PUSH, POP, GET_CHANNELS, GET_CHANNEL_SIZE, GET_SIZE, CONSUME = 1, 2, 3, 4, 5, 6
GET_SIZE_LIMIT, GET_NUM_CONNECTIONS, PUSH_MULTI, PRODUCE, PRODUCE_MULTI = 7, 8, 9, 10, 11
REMOVE_CHANNEL = 12
GET_VERSION, GET_STATS = 24, 64  # shoal's additions, with the DHT's codes

__all__ = ["QueueClient", "names", "OK", "INVALID_REQUEST", "NOT_SUPPORTED", "OUT_OF_MEMORY",
           "EMPTY_VALUE", "BAD_CHANNEL_NAME", "VALUE_TOO_BIG", "ERROR"]


def names(channels):
    """A list of channel names: each as an array, then the empty array."""
    return b"".join(arr(c) for c in channels) + arr(b"")


class QueueClient(Client):
    """One connection to a queue node. Requests answer (status, fields) with fields None when
    the status is not Ok; streams are started by one call and read or fed by others."""

    def _node_info(self):
        addr = self.array().decode()
        (port,) = struct.unpack("<H", self.recv_exact(2))
        return addr, port

    # Single requests
    def push(self, channel, value):
        self.send(i32(PUSH) + arr(channel) + arr(value))
        return self.status()

    def pop(self, channel):
        """(status, value); value is b"" when there was nothing to pop."""
        self.send(i32(POP) + arr(channel))
        st = self.status()
        return st, (self.array() if st == OK else None)

    def push_multi(self, channels, value):
        self.send(i32(PUSH_MULTI) + names(channels) + arr(value))
        return self.status()

    def channels(self):
        self.send(i32(GET_CHANNELS))
        st = self.status()
        found = []
        while st == OK:
            name = self.array()
            if not name:
                break
            found.append(name.decode())
        return st, found

    def channel_size(self, channel):
        """(status, (address, port, records, bytes))."""
        self.send(i32(GET_CHANNEL_SIZE) + arr(channel))
        st = self.status()
        if st != OK:
            return st, None
        addr, port = self._node_info()
        return st, (addr, port, self.u64(), self.u64())

    def size(self):
        self.send(i32(GET_SIZE))
        st = self.status()
        if st != OK:
            return st, None
        addr, port = self._node_info()
        return st, (addr, port, self.u64(), self.u64())

    def size_limit(self):
        """(status, (address, port, limit))."""
        self.send(i32(GET_SIZE_LIMIT))
        st = self.status()
        if st != OK:
            return st, None
        addr, port = self._node_info()
        return st, (addr, port, self.u64())

    def num_connections(self):
        self.send(i32(GET_NUM_CONNECTIONS))
        st = self.status()
        if st != OK:
            return st, None
        self._node_info()
        return st, self.u64()

    def remove_channel(self, channel):
        self.send(i32(REMOVE_CHANNEL) + arr(channel))
        return self.status()

    def version(self):
        self.send(i32(GET_VERSION))
        st = self.status()
        return st, (self.array().decode() if st == OK else None)

    def stats(self):
        self.send(i32(GET_STATS))
        st = self.status()
        if st != OK:
            return st, None
        return st, dict(line.split(":", 1) for line in self.array().decode().splitlines())

    # Consume: consume() sends the request and returns the status; then consume_next() returns
    # each record, and b"" once the node has ended the stream (the channel was removed).
    def consume(self, channel, subscriber=None):
        target = channel if subscriber is None else "%s@%s" % (subscriber, channel)
        self.send(i32(CONSUME) + arr(target))
        return self.status()

    def consume_next(self):
        return self.array()

    def consume_n(self, n):
        return [self.consume_next() for _ in range(n)]

    # Produce: produce() sends the request and returns the status; then produce_item() sends
    # records (the node does not answer them) and produce_end() the empty value after which
    # the connection carries requests again.
    def produce(self, channel):
        self.send(i32(PRODUCE) + arr(channel))
        return self.status()

    def produce_multi(self, channels):
        self.send(i32(PRODUCE_MULTI) + names(channels))
        return self.status()

    def produce_item(self, value):
        assert value, "an empty value ends the stream: use produce_end()"
        self.send(arr(value))

    def produce_items(self, values):
        self.send(b"".join(arr(v) for v in values))

    def produce_end(self):
        self.send(arr(b""))
