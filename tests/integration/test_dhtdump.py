"""dhtdump against a real dhtnode: a one-shot dump that a fresh node loads back, dumps equal to
the node's own shutdown dumps, SIGTERM and kill -9 of the node in the middle of a big dump
(the previous file stays, no temporary file), periodic cycles, retries, options and exit codes."""

import glob
import os
import re
import shutil
import signal
import socket
import struct

import harness
import swarm
from swarm import OK


def read_tcm(path):
    """The records of a .tcm file (specs/swarm.md §1.7), key -> value; checks the framing."""
    with open(path, "rb") as f:
        data = f.read()
    assert struct.unpack_from("<Q", data)[0] == 0, "format version 0"
    pos, records = 8, {}
    while True:
        (key_len,) = struct.unpack_from("<Q", data, pos)
        pos += 8
        if key_len == 0:
            break
        assert key_len == 16, f"key length {key_len}"
        key = int(data[pos:pos + 16], 16)
        (value_len,) = struct.unpack_from("<Q", data, pos + 16)
        pos += 24
        records[key] = data[pos:pos + value_len]
        pos += value_len
    assert len(data) % 512 == 0, "padded to 512 bytes"
    assert data[pos:] == bytes(len(data) - pos), "zero padding"
    return records


def last_line(path):
    with open(path) as f:
        return f.read().splitlines()[-1]


def values_pool():
    """Incompressible 1000-byte values without holding hundreds of MB in the test."""
    pool = os.urandom(1 << 20)
    return lambda k: pool[(k * 7919) % 1000000:(k * 7919) % 1000000 + 1000]


class DhtDumpTest(harness.DaemonTestCase):
    def node(self, data, *extra):
        return self.start("dhtnode", ["--listen", "127.0.0.1:0", "--data-dir", self.path(data),
                                      "--stats-log", ""] + list(extra))

    def client(self, node):
        c = swarm.Client(node.host, node.port)
        self.addCleanup(c.close)
        return c

    def dumper(self, node_address, data, *extra):
        """dhtdump as a daemon (it prints no listening line)."""
        return self.start("dhtdump", ["--node", node_address, "--data-dir", self.path(data),
                                      "--stats-log", ""] + list(extra), ready=False)

    def oneshot(self, node, data, *extra, check=0):
        return harness.run("dhtdump", ["--oneshot", "--node", node.address, "--data-dir",
                                       self.path(data), "--stats-log", ""] + list(extra),
                           check=check, timeout=120)

    def files(self, data):
        return sorted(os.listdir(self.path(data)))

    def temp_files(self, data):
        return glob.glob(self.path(data, "*.dumping"))

    def test_oneshot_dump_loads_into_a_fresh_node(self):
        node = self.node("node")
        c = self.client(node)
        expected = {
            "alpha": {k * 0x9E3779B97F4A7C15 % 2**64: os.urandom(k % 300 + 1) for k in range(30000)},
            "beta": {k: b"\x00\xff\n:%d\r\n" % k for k in range(15000)},
            "gamma": {2**64 - 1 - k: b"g" * (k % 7 + 1) for k in range(5000)},
        }
        for name, records in expected.items():
            self.assertEqual(c.put_batches(name, records.items()), OK)
        os.makedirs(self.path("dump"))
        r = self.oneshot(node, "dump")
        self.assertIn(b"done: 3 channels, 50000 records", r.stderr)
        self.assertEqual(self.files("dump"), ["alpha.tcm", "beta.tcm", "gamma.tcm"])
        for name, records in expected.items():
            self.assertEqual(read_tcm(self.path("dump", name + ".tcm")), records, name)
        # The node's own shutdown dumps hold the same records (perhaps in another order).
        c.close()
        node.stop()
        for name in expected:
            self.assertEqual(read_tcm(self.path("node", name + ".tcm")),
                             read_tcm(self.path("dump", name + ".tcm")), name)
        # What dhtdump writes, a fresh node loads.
        shutil.copytree(self.path("dump"), self.path("fresh"))
        fresh = self.node("fresh")
        f = self.client(fresh)
        self.assertEqual(f.channels(), (OK, sorted(expected)))
        for name, records in expected.items():
            st, got = f.get_all(name)
            self.assertEqual(st, OK)
            self.assertEqual(len(got), len(records), name)
            self.assertEqual(dict(got), records, name)
        f.close()
        fresh.stop()

    def test_sigterm_and_node_crash_in_the_middle_keep_the_previous_dump(self):
        node = self.node("node")
        c = self.client(node)
        value = values_pool()
        self.assertEqual(c.put_batches("big", ((k, value(k)) for k in range(1000))), OK)
        self.assertEqual(c.put_batches("small", ((k, b"s%d" % k) for k in range(100))), OK)
        os.makedirs(self.path("dump"))
        self.oneshot(node, "dump")
        with open(self.path("dump", "big.tcm"), "rb") as f:
            previous = f.read()
        self.assertEqual(len(read_tcm(self.path("dump", "big.tcm"))), 1000)
        # 300 000 records of 1000 bytes: the next dump of "big" takes a while.
        self.assertEqual(c.put_batches("big", ((k, value(k)) for k in range(1000, 300000))), OK)

        def started(d):
            return harness.wait_for(lambda: self.temp_files("dump"), timeout=30, interval=0.005,
                                    what=f"a dump in progress; stderr:\n{d.stderr()}")

        # SIGTERM while streaming: the temporary file goes, dhtdump exits 0.
        d = self.dumper(node.address, "dump", "--initial-delay", "0", "--retry-wait", "1s")
        started(d)
        d.stop()
        self.assertIn("abandoned", d.stderr())
        self.assertEqual(self.files("dump"), ["big.tcm", "small.tcm"])
        with open(self.path("dump", "big.tcm"), "rb") as f:
            self.assertEqual(f.read(), previous)

        # The node dies while dhtdump streams: the cycle fails, is retried, nothing is left over.
        d = self.dumper(node.address, "dump", "--initial-delay", "0", "--retry-wait", "1s")
        started(d)
        node.kill()
        harness.wait_for(lambda: d.stderr().count("failed after") >= 2, timeout=30,
                         what=f"a failed cycle and a failed retry; stderr:\n{d.stderr()}")
        self.assertIn("retrying in 1 s", d.stderr())
        self.assertEqual(self.temp_files("dump"), [])
        self.assertEqual(self.files("dump"), ["big.tcm", "small.tcm"])
        with open(self.path("dump", "big.tcm"), "rb") as f:
            self.assertEqual(f.read(), previous)
        d.stop()

    def test_periodic_cycles_in_the_node_data_dir(self):
        node = self.node("data")
        c = self.client(node)
        self.assertEqual(c.put_batches("ch", ((k, b"v%d" % k) for k in range(1000))), OK)
        self.assertEqual(c.put("gone", 1, b"x"), OK)
        stats = self.path("stats.log")
        d = self.start("dhtdump", ["--node", node.address, "--data-dir", self.path("data"),
                                   "--period", "2s", "--min-wait", "1s", "--initial-delay", "0",
                                   "--stats-log", stats, "--stats-period", "300ms"], ready=False)
        cycles = lambda: re.findall(r"dump cycle (\d+) done: (\d+) channels, (\d+) records", d.stderr())
        harness.wait_for(lambda: len(cycles()) >= 1, timeout=15, what="a first cycle")
        self.assertEqual(cycles()[0], ("1", "2", "1001"))
        self.assertEqual(len(read_tcm(self.path("data", "ch.tcm"))), 1000)
        # Between the cycles: a new record, and a removed channel (the node moves its file).
        self.assertEqual(c.put("ch", 5000, b"new"), OK)
        self.assertEqual(c.remove_channel("gone"), OK)
        harness.wait_for(lambda: len(cycles()) >= 2, timeout=15, what="a second cycle")
        self.assertEqual(cycles()[1], ("2", "1", "1001"))
        self.assertEqual(read_tcm(self.path("data", "ch.tcm"))[5000], b"new")
        self.assertFalse(os.path.exists(self.path("data", "gone.tcm")))
        self.assertTrue(os.path.exists(self.path("data", "deleted", "gone.tcm")))
        self.assertRegex(d.stderr(), r"done: .* in \d+ ms; next in 1\d\d\d ms")
        harness.wait_for(lambda: "channel/gone" not in last_line(stats), timeout=5,
                         what="channel/gone leaving the stats")
        d.stop()
        last = dict(p.split(":", 1) for p in last_line(stats).split()[1:])
        self.assertEqual(last["cycles"], "2")
        self.assertEqual(last["failed_cycles"], "0")
        self.assertEqual(last["channel/ch/records_written"], "1001")
        self.assertEqual(int(last["channel/ch/bytes_written"]),
                         sum(32 + len(b"v%d" % k) for k in range(1000)) + 32 + 3)
        self.assertIn("last_time_ms", last)
        self.assertIn("records_written", last)
        self.assertEqual(self.temp_files("data"), [])
        c.close()
        node.stop()

    def test_oneshot_retries_until_the_node_is_there(self):
        hold = socket.socket()
        hold.bind(("127.0.0.1", 0))  # a port nobody listens on, held so that nobody takes it
        address = "127.0.0.1:%d" % hold.getsockname()[1]
        os.makedirs(self.path("dump"))
        args = ["--oneshot", "--retry-wait", "200ms", "--timeout", "2s"]
        # Stopped before it succeeded: the exit status says why (69: node unavailable).
        d = self.dumper(address, "dump", *args)
        harness.wait_for(lambda: d.stderr().count("failed after") >= 2, timeout=15,
                         what="retries")
        self.assertIn("retrying in 200 ms", d.stderr())
        d.stop(expect=69)
        # Retried until the node comes up, then exit 0.
        d = self.dumper(address, "dump", *args)
        harness.wait_for(lambda: "failed after" in d.stderr(), timeout=15, what="a failure")
        hold.close()
        node = self.start("dhtnode", ["--listen", address, "--data-dir", self.path("node"),
                                      "--stats-log", ""])
        self.assertEqual(self.client(node).put("ch", 1, b"v"), OK)
        self.assertEqual(d.proc.wait(30), 0, d.stderr())
        self.assertEqual(read_tcm(self.path("dump", "ch.tcm")), {1: b"v"})
        node.stop()

    def test_authentication(self):
        key = bytes(range(128))
        with open(self.path("credentials"), "w") as f:
            f.write("dumper:%s\n" % key.hex())
        with open(self.path("key"), "w") as f:
            f.write(key.hex() + "\n")
        node = self.node("node", "--credentials", self.path("credentials"))
        c = self.client(node)
        self.assertTrue(c.authenticate("dumper", key))
        self.assertEqual(c.put("ch", 1, b"v"), OK)
        os.makedirs(self.path("dump"))
        self.oneshot(node, "dump", "--credentials-name", "dumper",
                     "--credentials-key-file", self.path("key"))
        self.assertEqual(read_tcm(self.path("dump", "ch.tcm")), {1: b"v"})
        d = self.dumper(node.address, "dump", "--oneshot", "--timeout", "300ms",
                        "--retry-wait", "100ms", "--credentials-name", "dumper",
                        "--credentials-key-file", self.path("credentials"))  # name:key lines
        self.assertEqual(d.proc.wait(30), 0, d.stderr())
        refused = self.dumper(node.address, "dump", "--oneshot", "--timeout", "300ms",
                              "--retry-wait", "100ms")
        harness.wait_for(lambda: "failed after" in refused.stderr(), timeout=15,
                         what="a refused dump")
        refused.stop(expect=69)
        node.stop()

    def test_options_and_exit_codes(self):
        r = harness.run("dhtdump", ["--oneshot", "--node", "127.0.0.1:1", "--data-dir",
                                    self.path("missing")], check=66)
        self.assertIn(b"does not exist", r.stderr)
        open(self.path("file"), "w").close()
        harness.run("dhtdump", ["--node", "127.0.0.1:1", "--data-dir", self.path("file")],
                    check=66)
        conf = self.path("dhtdump.conf")
        with open(conf, "w") as f:
            f.write("node = 127.0.0.1:1\nperiod = 4h\nmin_wait = 5m\ninitial-delay = random\n")
        r = harness.run("dhtdump", ["--config", conf, "--data-dir", self.dir, "--check-config"],
                        check=0)
        self.assertIn(b"OK", r.stdout)
        base = ["--data-dir", self.dir, "--check-config"]
        good = ["--node", "127.0.0.1:1"]
        for bad, code in ((["--period", "0"], 78), (["--initial-delay", "soon"], 78),
                          (["--period", "30s"], 78), (["--retry-wait", "0"], 78),
                          (["--period", "1y"], 64), (["--credentials-name", "x"], 64)):
            harness.run("dhtdump", base + good + bad, check=code)
        for node in ("nowhere:1", "127.0.0.1:0", "127.0.0.1"):
            harness.run("dhtdump", base + ["--node", node], check=78)
        harness.run("dhtdump", ["--data-dir", self.dir], check=64)  # --node is required
        harness.run("dhtdump", ["--node", "127.0.0.1:1", "--bogus"], check=64)
        with open(conf, "a") as f:
            f.write("bogus = 1\n")
        harness.run("dhtdump", ["--config", conf, "--data-dir", self.dir, "--check-config"],
                    check=78)
        r = harness.run("dhtdump", ["--help"], check=0)
        for flag in (b"--oneshot", b"--period", b"--min-wait", b"--retry-wait", b"--initial-delay",
                     b"--stats-log", b"--stats-period", b"--timeout", b"--credentials-key-file"):
            self.assertIn(flag, r.stdout)


if __name__ == "__main__":
    harness.main()
