"""dhtnode against the spec: every legacy request through an independent client, check order,
bad input, restarts from dumps, kill -9 during a dump, authentication, Listen."""

import glob
import os
import signal
import socket
import struct
import time

import harness
import swarm
from swarm import (OK, WRONG_NODE, BAD_CHANNEL_NAME, EMPTY_VALUE, VALUE_TOO_BIG, OUT_OF_MEMORY,
                   INVALID_REQUEST, ERROR)

LOW_HALF = (0, 0x7FFFFFFFFFFFFFFF)  # positions of bit-reversed keys


class DhtNodeTest(harness.DaemonTestCase):
    def node(self, *extra, data="data"):
        return self.start("dhtnode", ["--listen", "127.0.0.1:0", "--data-dir", self.path(data),
                                      "--stats-log", ""] + list(extra))

    def client(self, node):
        c = swarm.Client(node.host, node.port)
        self.addCleanup(c.close)
        return c

    def test_every_request(self):
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.version(), (OK, "20110401"))
        self.assertEqual(c.responsible_range(), (OK, (0, 2**64 - 1)))
        self.assertEqual(c.put("ch", 0x1234, b"value\x00\xff"), OK)
        self.assertEqual(c.get("ch", 0x1234), (OK, b"value\x00\xff"))
        self.assertEqual(c.get("ch", 0x9999), (OK, b""))
        self.assertEqual(c.get("nochannel", 1), (OK, b""))
        self.assertEqual(c.exists("ch", 0x1234), (OK, True))
        self.assertEqual(c.exists("ch", 0x9999), (OK, False))
        self.assertEqual(c.put("other", 1, b"x" * 10), OK)
        self.assertEqual(c.channels(), (OK, ["ch", "other"]))
        st, (addr, port, records, nbytes) = c.channel_size("ch")
        self.assertEqual((st, addr, port, records, nbytes), (OK, "127.0.0.1", node.port, 1, 7 + 8))
        st, (_, _, records, nbytes) = c.size()
        self.assertEqual((records, nbytes), (2, 15 + 18))
        self.assertEqual(c.num_connections(), (OK, 1))
        self.assertEqual(c.remove("ch", 0x1234), OK)
        self.assertEqual(c.get("ch", 0x1234), (OK, b""))
        self.assertEqual(c.remove("ch", 0x1234), OK)  # removing a missing record is fine
        records = [(k * 7919, b"value-%d" % k) for k in range(5000)]
        self.assertEqual(c.put_batches("bulk", records), OK)
        st, got = c.get_all("bulk")
        self.assertEqual(st, OK)
        self.assertEqual(sorted(got), sorted(records))
        st, keys = c.get_all_keys("bulk")
        self.assertEqual(sorted(keys), sorted(k for k, _ in records))
        st, got = c.get_all_filter("bulk", b"-49")
        self.assertEqual(sorted(got), sorted(r for r in records if b"-49" in r[1]))
        self.assertEqual(c.get_all("nochannel"), (OK, []))
        self.assertEqual(c.remove_channel("bulk"), OK)
        self.assertEqual(c.channels(), (OK, ["ch", "other"]))
        st, stats = c.stats()
        self.assertEqual(st, OK)
        self.assertEqual(int(stats["request/Get/handled"]), 4)
        self.assertEqual(int(stats["total_records"]), 1)
        node.stop()

    def test_check_order_and_range(self):
        # Node responsible for the lower half of bit-reversed positions: even keys.
        node = self.node("--range", "0:7fffffffffffffff")
        c = self.client(node)
        self.assertEqual(c.put("ch", 2, b"even"), OK)
        self.assertEqual(c.put("ch", 3, b"odd"), WRONG_NODE)
        # Check order: channel name, then range, then size, then emptiness.
        self.assertEqual(c.put("bad name", 3, b""), BAD_CHANNEL_NAME)
        self.assertEqual(c.put("ch", 3, b""), WRONG_NODE)
        self.assertEqual(c.put("ch", 2, b"x" * 70000), VALUE_TOO_BIG)
        self.assertEqual(c.put("ch", 2, b""), EMPTY_VALUE)
        self.assertEqual(c.put("ch", b"00000000000000XX", b"v"), INVALID_REQUEST)
        # Get and Exists are not range-checked; Remove is.
        self.assertEqual(c.get("ch", 3), (OK, b""))
        self.assertEqual(c.exists("ch", 3), (OK, False))
        self.assertEqual(c.remove("ch", 3), WRONG_NODE)
        self.assertEqual(c.put_batch("ch", [(2, b"a"), (3, b"b")]), WRONG_NODE)
        self.assertEqual(c.get("ch", 2), (OK, b"even"))  # the refused batch stored nothing
        self.assertEqual(c.put_batch("ch", [(4, b"a"), (6, b"")]), EMPTY_VALUE)
        self.assertEqual(c.get("ch", 4), (OK, b""))
        for name in ["", "a/b", "a b", "x" * 237, "caf\u00e9"]:
            self.assertEqual(c.put(name, 2, b"v"), BAD_CHANNEL_NAME, name)
        self.assertEqual(c.put("A-Za-z0-9_-", 2, b"v"), OK)
        self.assertEqual(c.put("x" * 236, 2, b"v"), OK)  # and its dump file name fits
        node.stop()

    def test_value_size_limit_and_oversize_values(self):
        node = self.node("--batch-size", "1K")
        c = self.client(node)
        self.assertEqual(c.put("ch", 2, b"x" * (1024 - 32)), OK)
        self.assertEqual(c.put("ch", 2, b"x" * (1024 - 31)), VALUE_TOO_BIG)
        # A value far over the limit is read and skipped; the connection stays in sync.
        self.assertEqual(c.put("ch", 4, b"y" * (5 << 20)), VALUE_TOO_BIG)
        self.assertEqual(c.get("ch", 2), (OK, b"x" * (1024 - 32)))
        node.stop()

    def test_large_batch_size_allows_large_records(self):
        node = self.node("--batch-size", "4M")
        c = self.client(node)
        big = os.urandom(3 << 20)
        self.assertEqual(c.put("ch", 2, big), OK)
        self.assertEqual(c.put_batches("ch", [(4, big)], batch_size=4 << 20), OK)
        self.assertEqual(c.get("ch", 4), (OK, big))
        st, got = c.get_all("ch")
        self.assertEqual(sorted(got), [(2, big), (4, big)])
        node.stop()

    def test_replies_before_a_malformed_request_are_sent(self):
        node = self.node()
        c = self.client(node)
        c.send(swarm.i32(swarm.PUT) + swarm.arr("ch") + swarm.arr(swarm.hexkey(1)) +
               swarm.arr(b"v") + swarm.i32(77))
        self.assertEqual(c.status(), OK)
        self.assertTrue(c.closed_by_peer())
        node.stop()

    def test_size_limit(self):
        node = self.node("--size-limit", "1000")
        c = self.client(node)
        self.assertEqual(c.put("ch", 1, b"x" * 400), OK)
        self.assertEqual(c.put("ch", 2, b"x" * 400), OK)
        self.assertEqual(c.put("ch", 3, b"x" * 400), OUT_OF_MEMORY)
        self.assertEqual(c.put("ch", 1, b"y" * 400), OK)  # replacing needs no more room
        self.assertEqual(c.remove("ch", 2), OK)
        self.assertEqual(c.put("ch", 3, b"x" * 400), OK)
        node.stop()

    def test_pipelined_requests(self):
        node = self.node()
        c = self.client(node)
        msg = b"".join(swarm.i32(swarm.PUT) + swarm.arr("p") + swarm.arr(swarm.hexkey(k)) +
                       swarm.arr(b"v%d" % k) for k in range(2000))
        msg += b"".join(swarm.i32(swarm.GET) + swarm.arr("p") + swarm.arr(swarm.hexkey(k))
                        for k in range(2000))
        c.send(msg)
        self.assertEqual([c.status() for _ in range(2000)], [OK] * 2000)
        for k in range(2000):
            self.assertEqual(c.status(), OK)
            self.assertEqual(c.array(), b"v%d" % k)
        node.stop()

    def test_garbage_closes_only_that_connection(self):
        node = self.node()
        good = self.client(node)
        self.assertEqual(good.put("ch", 1, b"v"), OK)
        for junk in [b"\xff" * 64, swarm.i32(99) + b"abc", swarm.i32(swarm.PUT) + swarm.u64(2**63)]:
            bad = self.client(node)
            bad.send(junk)
            self.assertTrue(bad.closed_by_peer(), junk)
        # A client that sends half a request and vanishes.
        half = self.client(node)
        half.send(swarm.i32(swarm.PUT) + swarm.arr("ch"))
        half.close()
        self.assertEqual(good.get("ch", 1), (OK, b"v"))
        node.stop()

    def test_sigterm_dumps_and_restart_loads(self):
        node = self.node()
        c = self.client(node)
        records = [(k, os.urandom(k % 200 + 1)) for k in range(20000)]
        self.assertEqual(c.put_batches("a", records[:10000]), OK)
        self.assertEqual(c.put_batches("b", records[10000:]), OK)
        c.close()
        node.stop()  # asserts exit status 0
        self.assertTrue(os.path.exists(self.path("data", "a.tcm")))
        self.assertEqual(os.path.getsize(self.path("data", "a.tcm")) % 512, 0)
        node = self.node()
        c = self.client(node)
        st, got = c.get_all("a")
        self.assertEqual(sorted(got), records[:10000])
        st, got = c.get_all("b")
        self.assertEqual(sorted(got), records[10000:])
        node.stop()

    def test_remove_channel_keeps_file_under_deleted(self):
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.put("gone", 1, b"v"), OK)
        c.close()
        node.stop()
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.remove_channel("gone"), OK)
        self.assertTrue(os.path.exists(self.path("data", "deleted", "gone.tcm")))
        self.assertFalse(os.path.exists(self.path("data", "gone.tcm")))
        c.close()
        node.stop()
        node = self.node()
        self.assertEqual(self.client(node).channels(), (OK, []))
        node.stop()

    def test_kill_9_during_a_dump_loads_the_last_complete_dump(self):
        node = self.node()
        c = self.client(node)
        first = [(k, b"first-%d" % k) for k in range(1000)]
        self.assertEqual(c.put_batch("ch", first), OK)
        node.proc.send_signal(signal.SIGUSR1)  # a snapshot dump
        harness.wait_for(lambda: int(c.stats()[1]["dumps"]) == 1, what="first snapshot")
        # Enough data that the second dump takes a while; kill -9 once it has started.
        value = b"z" * 1000
        self.assertEqual(c.put_batches("ch", [(k, value) for k in range(1000000, 1300000)]), OK)
        node.proc.send_signal(signal.SIGUSR1)
        harness.wait_for(lambda: glob.glob(self.path("data", "*.dumping")), timeout=30,
                         interval=0.001, what="a dump in progress")
        node.kill()
        time.sleep(0.2)  # the snapshot child dies with its parent (PR_SET_PDEATHSIG)
        node = self.node()
        c = self.client(node)
        st, got = c.get_all("ch")
        self.assertEqual(sorted(got), first)
        self.assertIn("nfinished dump file", node.stderr())
        node.stop()

    def test_channel_removed_during_a_snapshot_stays_removed(self):
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.put_batches("big", [(k, b"z" * 1000) for k in range(200000)]), OK)
        self.assertEqual(c.put("gone", 1, b"v"), OK)
        node.proc.send_signal(signal.SIGUSR1)
        harness.wait_for(lambda: glob.glob(self.path("data", "*.dumping")), timeout=30,
                         interval=0.001, what="a snapshot in progress")
        self.assertEqual(c.remove_channel("gone"), OK)
        harness.wait_for(lambda: int(c.stats()[1]["dumps"]) == 1, what="the snapshot")
        self.assertFalse(os.path.exists(self.path("data", "gone.tcm")))
        self.assertTrue(os.path.exists(self.path("data", "deleted", "gone.tcm")))
        c.close()
        node.stop()
        node = self.node()
        self.assertEqual(self.client(node).channels(), (OK, ["big"]))
        node.stop()

    def test_damaged_dump_stops_start_unless_load_damaged(self):
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.put_batch("ch", [(k, b"v" * 50) for k in range(100)]), OK)
        c.close()
        node.stop()
        path = self.path("data", "ch.tcm")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:3000])  # cut inside a record
        node = self.start("dhtnode", ["--listen", "127.0.0.1:0", "--data-dir", self.path("data")],
                          ready=False)
        code = node.proc.wait(30)
        self.assertEqual(code, 65)
        self.assertIn("ch.tcm", node.stderr())
        self.assertIn("offset", node.stderr())
        node = self.node("--load-damaged")
        st, got = self.client(node).get_all("ch")
        self.assertTrue(0 < len(got) < 100)
        node.stop()

    def test_junk_in_data_dir_is_ignored(self):
        os.makedirs(self.path("data", "subdir"))
        open(self.path("data", "empty.tcm"), "w").close()
        open(self.path("data", "notes.txt"), "w").write("hello")
        with open(self.path("data", "x.tcm.abc123.dumping"), "wb") as f:
            f.write(b"\x00" * 100)
        with open(self.path("data", "v9.tcm"), "wb") as f:
            f.write(struct.pack("<Q", 9) + b"\x00" * 504)
        node = self.node()
        self.assertEqual(self.client(node).channels(), (OK, []))
        err = node.stderr()
        self.assertIn("empty.tcm", err)
        self.assertIn("dumping", err)
        node.stop()

    def test_out_of_range_policies(self):
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.put_batch("ch", [(k, b"v") for k in range(100)]), OK)
        c.close()
        node.stop()
        node = self.node("--range", "0:7fffffffffffffff", "--out-of-range", "load")
        st, got = self.client(node).get_all("ch")
        self.assertEqual(len(got), 100)
        node.stop()
        node = self.start("dhtnode", ["--listen", "127.0.0.1:0", "--data-dir", self.path("data"),
                                      "--range", "0:7fffffffffffffff", "--out-of-range", "fatal"],
                          ready=False)
        self.assertEqual(node.proc.wait(30), 65)
        self.assertIn("outside the node's range", node.stderr())
        # A dump whose first records are all out of range: the node refuses to start.
        node = self.start("dhtnode", ["--listen", "127.0.0.1:0", "--data-dir", self.path("data"),
                                      "--range", "1:1", "--abort-after-out-of-range", "10"],
                          ready=False)
        self.assertEqual(node.proc.wait(30), 65)
        self.assertIn("is --range right", node.stderr())
        # ignore drops them (and the shutdown dump then holds only the rest).
        node = self.node("--range", "0:7fffffffffffffff", "--out-of-range", "ignore")
        st, got = self.client(node).get_all("ch")
        self.assertEqual(sorted(k for k, _ in got), list(range(0, 100, 2)))
        node.stop()

    def test_listen_reports_writes_and_removals(self):
        node = self.node()
        listener = self.client(node)
        writer = self.client(node)
        self.assertEqual(listener.listen("ch"), OK)
        self.assertEqual(writer.put("ch", 5, b"five"), OK)
        self.assertEqual(listener.listen_next(), (5, b"five"))
        self.assertEqual(writer.remove("ch", 5), OK)
        self.assertEqual(listener.listen_next(), (5, b""))  # shoal: removal = empty value
        self.assertEqual(writer.put("ch", 6, b"six"), OK)
        self.assertEqual(listener.listen_next(), (6, b"six"))
        self.assertEqual(writer.remove_channel("ch"), OK)
        self.assertEqual(listener.listen_next(), (None, b""))  # end of the stream
        # The connection carries requests again after the stream.
        self.assertEqual(listener.version(), (OK, "20110401"))
        node.stop()

    def test_authentication(self):
        key = bytes(range(128))
        with open(self.path("credentials"), "w") as f:
            f.write("# test\nadmin:%s\n" % key.hex())
        node = self.node("--credentials", self.path("credentials"))
        c = self.client(node)
        self.assertTrue(c.authenticate("admin", key))
        self.assertEqual(c.put("ch", 1, b"v"), OK)
        wrong = self.client(node)
        self.assertFalse(wrong.authenticate("admin", bytes(128)))
        self.assertTrue(wrong.closed_by_peer())
        stale = self.client(node)
        self.assertFalse(stale.authenticate("admin", key, timestamp=int(time.time()) - 3600))
        nobody = self.client(node)
        self.assertFalse(nobody.authenticate("nobody", key))
        # Without authentication, a request is taken as a timestamp and fails.
        plain = self.client(node)
        plain.send(swarm.i32(swarm.GET_VERSION) + b"\x00" * 4)
        nonce = plain.recv_exact(4)
        self.assertEqual(len(nonce), 4)
        self.assertEqual(c.get("ch", 1), (OK, b"v"))
        # SIGHUP reloads the file.
        with open(self.path("credentials"), "w") as f:
            f.write("reader:%s\n" % bytes(128).hex())
        node.proc.send_signal(signal.SIGHUP)
        harness.wait_for(lambda: "reloaded 1 credentials" in node.stderr(), what="reload")
        fresh = self.client(node)
        self.assertTrue(fresh.authenticate("reader", bytes(128)))
        node.stop()

    def test_redistribute_moves_records_and_rewrites_the_config(self):
        conf = self.path("a.conf")
        with open(conf, "w") as f:
            f.write("# node a\nlisten = 127.0.0.1:0\nrange = 0:ffffffffffffffff\n")
        a = self.start("dhtnode", ["--config", conf, "--data-dir", self.path("a"),
                                   "--stats-log", ""])
        b = self.node("--range", "8000000000000000:ffffffffffffffff", data="b")
        ca, cb = self.client(a), self.client(b)
        records = [(k, b"r%d" % k) for k in range(30000)]
        self.assertEqual(ca.put_batches("x", records[:20000]), OK)
        self.assertEqual(ca.put_batches("y", records[20000:]), OK)
        self.assertEqual(ca.redistribute(0, 0x7FFFFFFFFFFFFFFF,
                                         [("127.0.0.1", b.port, 0x8000000000000000, 2**64 - 1)]),
                         OK)
        self.assertEqual(ca.responsible_range(), (OK, (0, 0x7FFFFFFFFFFFFFFF)))
        for channel, expect in (("x", records[:20000]), ("y", records[20000:])):
            _, on_a = ca.get_all(channel)
            _, on_b = cb.get_all(channel)
            self.assertTrue(all(swarm.bitswap(k) <= 0x7FFFFFFFFFFFFFFF for k, _ in on_a))
            self.assertTrue(all(swarm.bitswap(k) > 0x7FFFFFFFFFFFFFFF for k, _ in on_b))
            self.assertEqual(sorted(on_a + on_b), expect)  # each record exactly once
        with open(conf) as f:
            text = f.read()
        self.assertIn("range = 0000000000000000:7fffffffffffffff", text)
        self.assertIn("# node a", text)
        _, stats = ca.stats()
        self.assertEqual(int(stats["forwarded"]), 15000)
        a.stop()
        b.stop()

    def test_check_config_and_bad_options(self):
        conf = self.path("node.conf")
        with open(conf, "w") as f:
            f.write("[Server]\nlisten = 127.0.0.1:0\nrange = 0:ffffffffffffffff\nsize_limit = 1G\n")
        r = harness.run("dhtnode", ["--config", conf, "--check-config"], check=0)
        self.assertIn(b"OK", r.stdout)
        with open(conf, "a") as f:
            f.write("bogus = 1\n")
        r = harness.run("dhtnode", ["--config", conf, "--check-config"], check=78)
        self.assertIn(b"bogus", r.stderr)
        harness.run("dhtnode", ["--listen", "127.0.0.1:0", "--range", "5:1", "--check-config"],
                    check=78)
        harness.run("dhtnode", ["--listen", "nowhere", "--data-dir", self.path("d")], check=64)


if __name__ == "__main__":
    harness.main()
