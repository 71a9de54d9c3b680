"""queuenode against the spec: every request through an independent client, competing consumers,
subscribers, overflow to disk in FIFO order across restarts, producer back-pressure, SIGTERM
save and reload, --durable with kill -9, bad input."""

import os
import signal
import socket
import threading
import time

import harness
import swarm
from queue_client import (BAD_CHANNEL_NAME, EMPTY_VALUE, ERROR, OK, OUT_OF_MEMORY,
                          VALUE_TOO_BIG, QueueClient)


class QueueNodeTest(harness.DaemonTestCase):
    def node(self, *extra, data="data"):
        return self.start("queuenode", ["--listen", "127.0.0.1:0", "--data-dir", self.path(data),
                                        "--stats-log", ""] + list(extra))

    def client(self, node, timeout=30):
        c = QueueClient(node.host, node.port, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def drain(self, c, channel):
        out = []
        while True:
            st, value = c.pop(channel)
            self.assertEqual(st, OK)
            if not value:
                return out
            out.append(value)

    def test_every_request(self):
        node = self.node("--channel-size", "1M")
        c = self.client(node)
        self.assertEqual(c.version(), (OK, "20110401"))
        self.assertEqual(c.push("q", b"one"), OK)
        self.assertEqual(c.push("q", b"two\x00\xff"), OK)
        self.assertEqual(c.push_multi(["q", "r"], b"three"), OK)
        self.assertEqual(c.channels(), (OK, ["q", "r"]))
        st, (addr, port, records, nbytes) = c.channel_size("q")
        self.assertEqual((st, addr, port, records, nbytes), (OK, "127.0.0.1", node.port, 3, 13))
        st, (_, _, records, nbytes) = c.size()
        self.assertEqual((records, nbytes), (4, 18))
        self.assertEqual(c.size_limit()[1][2], 1 << 20)
        self.assertEqual(c.num_connections(), (OK, 1))
        self.assertEqual(c.pop("q"), (OK, b"one"))
        self.assertEqual(c.pop("q"), (OK, b"two\x00\xff"))
        self.assertEqual(c.pop("q"), (OK, b"three"))
        self.assertEqual(c.pop("q"), (OK, b""))
        self.assertEqual(c.pop("nothing"), (OK, b""))
        self.assertEqual(c.produce("p"), OK)
        c.produce_items([b"a", b"b", b"c"])
        c.produce_end()
        self.assertEqual(self.drain(c, "p"), [b"a", b"b", b"c"])  # requests follow the stream
        self.assertEqual(c.produce_multi(["m1", "m2"]), OK)
        c.produce_items([b"x", b"y"])
        c.produce_end()
        self.assertEqual(self.drain(c, "m1"), [b"x", b"y"])
        self.assertEqual(self.drain(c, "m2"), [b"x", b"y"])
        self.assertEqual(c.remove_channel("r"), OK)
        self.assertNotIn("r", c.channels()[1])
        st, stats = c.stats()
        self.assertEqual(int(stats["pushed"]), 4)
        self.assertEqual(int(stats["produced"]), 7)
        self.assertEqual(int(stats["popped"]), 10)  # q 3, p 3, m1 2, m2 2
        node.stop()

    def test_bad_input_gets_statuses_and_the_node_keeps_serving(self):
        node = self.node("--max-value", "1K")
        c = self.client(node)
        self.assertEqual(c.push("bad name", b"v"), BAD_CHANNEL_NAME)
        self.assertEqual(c.push("q", b""), EMPTY_VALUE)
        self.assertEqual(c.push("q", b"x" * 1025), VALUE_TOO_BIG)
        self.assertEqual(c.push("q", b"x" * (3 << 20)), VALUE_TOO_BIG)  # skipped, in sync
        self.assertEqual(c.push_multi(["q", "a/b"], b"v"), BAD_CHANNEL_NAME)
        self.assertEqual(c.consume("a b"), BAD_CHANNEL_NAME)
        self.assertEqual(c.pop("q"), (OK, b""))  # nothing of the above was stored
        for junk in [b"\xff" * 64, swarm.i32(99), swarm.i32(1) + swarm.u64(2**63)]:
            bad = self.client(node)
            bad.send(junk)
            self.assertTrue(bad.closed_by_peer())
        self.assertEqual(c.push("q", b"fine"), OK)
        self.assertEqual(c.pop("q"), (OK, b"fine"))
        node.stop()

    def test_competing_consumers_get_each_record_once(self):
        node = self.node()
        consumers = [self.client(node) for _ in range(3)]
        for c in consumers:
            self.assertEqual(c.consume("work"), OK)
        producer = self.client(node)
        n = 3000
        self.assertEqual(producer.produce("work"), OK)
        producer.produce_items([b"job-%d" % i for i in range(n)])
        producer.produce_end()
        got = []
        lock = threading.Lock()

        def read(c):
            c.sock.settimeout(1)
            try:
                while True:
                    value = c.consume_next()
                    with lock:
                        got.append(value)
            except (socket.timeout, ConnectionError):
                pass

        threads = [threading.Thread(target=read, args=(c,)) for c in consumers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(sorted(got), sorted(b"job-%d" % i for i in range(n)))
        node.stop()

    def test_subscribers_each_get_every_record(self):
        node = self.node()
        a, b = self.client(node), self.client(node)
        self.assertEqual(a.consume("events", subscriber="a"), OK)
        self.assertEqual(b.consume("events", subscriber="b"), OK)
        p = self.client(node)
        for i in range(100):
            self.assertEqual(p.push("events", b"e%d" % i), OK)
        expect = [b"e%d" % i for i in range(100)]
        self.assertEqual(a.consume_n(100), expect)
        self.assertEqual(b.consume_n(100), expect)
        # The channel's removal ends both streams.
        self.assertEqual(p.remove_channel("events"), OK)
        self.assertEqual(a.consume_next(), b"")
        self.assertEqual(b.consume_next(), b"")
        node.stop()

    def test_subscriber_limit_and_idle_subscriptions(self):
        node = self.node("--max-subscribers", "1", "--subscriber-idle", "1s")
        a = self.client(node)
        self.assertEqual(a.consume("ch", subscriber="a"), OK)
        b = self.client(node)
        self.assertEqual(b.consume("ch", subscriber="b"), ERROR)  # over --max-subscribers
        a.close()
        p = self.client(node)
        self.assertEqual(p.push("ch", b"v"), OK)
        # Nobody consumes "a" any more: after a second or two the subscription is dropped.
        harness.wait_for(lambda: p.channels()[1] == [], timeout=10, what="the idle drop")
        node.stop()

    def test_overflow_keeps_fifo_order_across_a_restart(self):
        node = self.node("--channel-size", "64K", "--overflow-limit", "64M")
        c = self.client(node)
        values = [b"%06d-" % i + os.urandom(200) for i in range(5000)]  # ~1 MB: mostly on disk
        for v in values[:4000]:
            self.assertEqual(c.push("ch", v), OK)
        got = [c.pop("ch")[1] for _ in range(100)]  # refills the ring from the overflow
        for v in values[4000:]:
            self.assertEqual(c.push("ch", v), OK)
        st, stats = c.stats()
        self.assertGreater(int(stats["channel/ch/records_overflow"]), 1000)
        c.close()
        node.stop()
        node = self.node("--channel-size", "64K", "--overflow-limit", "64M")
        c = self.client(node)
        got += self.drain(c, "ch")
        self.assertEqual(got, values)
        node.stop()

    def test_full_queue_answers_out_of_memory_and_slows_producers(self):
        node = self.node("--channel-size", "16K", "--overflow-limit", "0")
        c = self.client(node)
        pushed = 0
        while c.push("ch", b"x" * 1000) == OK:
            pushed += 1
            self.assertLess(pushed, 100)
        self.assertEqual(c.push("ch", b"x" * 1000), OUT_OF_MEMORY)
        # A producer is held back instead of losing records: with the queue full, 20 MB of
        # records cannot all be taken (far more than the socket buffers hold).
        p = self.client(node)
        self.assertEqual(p.produce("ch"), OK)
        n = 20000
        records = [b"p%05d" % i + b"-" * 994 for i in range(n)]
        sender = threading.Thread(target=p.produce_items, args=(records,))
        sender.start()
        sender.join(2)
        self.assertTrue(sender.is_alive(), "the producer was not slowed down")
        consumed = []
        deadline = time.monotonic() + 120
        while len(consumed) < pushed + n and time.monotonic() < deadline:
            st, value = c.pop("ch")
            if value:
                consumed.append(value)
            else:
                time.sleep(0.005)
        sender.join(30)
        self.assertEqual(len(consumed), pushed + n)
        self.assertEqual(consumed[pushed:], records)
        st, stats = c.stats()
        self.assertEqual(int(stats["dropped"]), 0)
        p.produce_end()
        node.stop()

    def test_size_limit_bounds_the_rings_of_all_channels(self):
        node = self.node("--channel-size", "64K", "--size-limit", "128K")
        c = self.client(node)
        self.assertEqual(c.push("a", b"1"), OK)
        self.assertEqual(c.push("b", b"2"), OK)
        self.assertEqual(c.push("c", b"3"), OUT_OF_MEMORY)  # a third ring would pass 128K
        self.assertEqual(c.channels(), (OK, ["a", "b"]))
        self.assertEqual(c.remove_channel("a"), OK)
        self.assertEqual(c.push("c", b"3"), OK)
        self.assertEqual(c.pop("c"), (OK, b"3"))
        node.stop()

    def test_sigterm_saves_and_restart_reloads(self):
        node = self.node()
        c = self.client(node)
        for i in range(1000):
            self.assertEqual(c.push("a", b"a%d" % i), OK)
        self.assertEqual(c.push("b", b"only"), OK)
        self.assertEqual(c.consume("a", subscriber="s"), OK)  # a named subscriber, empty
        c.close()
        node.stop()
        self.assertTrue(os.path.exists(self.path("data", "a.rq")))
        node = self.node()
        c = self.client(node)
        self.assertEqual(self.drain(c, "a"), [b"a%d" % i for i in range(1000)])
        self.assertEqual(self.drain(c, "b"), [b"only"])
        node.stop()

    def test_durable_kill_9_loses_no_acknowledged_record(self):
        node = self.node("--durable", "--sync-interval", "2ms")
        c = self.client(node)
        acked = []
        stop = threading.Event()

        def push():
            try:
                i = 0
                while not stop.is_set():
                    value = b"r%08d" % i
                    if c.push("d", value) == OK:
                        acked.append(value)
                    i += 1
            except (ConnectionError, OSError):
                pass

        t = threading.Thread(target=push)
        t.start()
        harness.wait_for(lambda: len(acked) > 2000, timeout=60, what="acknowledged pushes")
        node.kill()
        stop.set()
        t.join(30)
        node = self.node("--durable")
        c2 = self.client(node)
        got = self.drain(c2, "d")
        # Every acknowledged record exactly once, in order; at most the in-flight one more.
        self.assertEqual(got[:len(acked)], acked)
        self.assertLessEqual(len(got) - len(acked), 1)
        node.stop()

    def test_authentication_and_sighup_reload(self):
        key = bytes(range(128))
        creds = self.path("credentials")
        with open(creds, "w") as f:
            f.write("producer:%s\n" % key.hex())
        node = self.node("--credentials", creds)
        c = self.client(node)
        self.assertTrue(c.authenticate("producer", key))
        self.assertEqual(c.push("ch", b"v"), OK)
        wrong = self.client(node)
        self.assertFalse(wrong.authenticate("producer", bytes(128)))
        with open(creds, "w") as f:
            f.write("consumer:%s\n" % bytes(128).hex())
        node.proc.send_signal(signal.SIGHUP)
        harness.wait_for(lambda: "reloaded 1 credentials" in node.stderr(), what="reload")
        fresh = self.client(node)
        self.assertTrue(fresh.authenticate("consumer", bytes(128)))
        self.assertEqual(fresh.pop("ch"), (OK, b"v"))
        node.stop()

    def test_check_config(self):
        harness.run("queuenode", ["--listen", "127.0.0.1:0", "--check-config"], check=0)
        harness.run("queuenode", ["--listen", "127.0.0.1:0", "--channel-size-for", "x", "--check-config"],
                    check=78)
        harness.run("queuenode", ["--listen", "nowhere", "--check-config"], check=64)


if __name__ == "__main__":
    harness.main()
