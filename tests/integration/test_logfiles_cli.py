"""Integration tests of the logfiles CLI against two real logfilesnodes that split the
bit-swapped key space in halves: put (routing checked with the independent client swarm.py),
get-range with inclusive bounds across buckets, slots and nodes, --filter, --sort, get-all,
the admin commands, byte-exact round trips through the escaping, and exit statuses."""

import os
import subprocess
import sys
import time
import unittest

import harness
from harness import DaemonTestCase, run, wait_for
import swarm

HALF = 1 << 63
RANGES = [(0, HALF - 1), (HALF, (1 << 64) - 1)]
BUCKET = 4096
SLOT = 1 << 24
T0 = 1795356000  # 2026-11-22T14:00:00Z


def escape(value):
    """core::escape as dht(1) documents it: backslash, tab, newline and carriage return as
    \\\\, \\t, \\n, \\r; other control bytes as \\xhh; every other byte as itself."""
    out = []
    for b in value:
        if b == 0x5C:
            out.append(b"\\\\")
        elif b == 0x09:
            out.append(b"\\t")
        elif b == 0x0A:
            out.append(b"\\n")
        elif b == 0x0D:
            out.append(b"\\r")
        elif b < 0x20 or b == 0x7F:
            out.append(b"\\x%02x" % b)
        else:
            out.append(bytes([b]))
    return b"".join(out)


def lines_of(records):
    return b"".join(b"%d\t%s\n" % (k, escape(v)) for k, v in records)


def spread_keys():
    """Timestamps around bucket and slot boundaries in three slots, with duplicates."""
    keys = []
    for slot in (T0 // SLOT - 1, T0 // SLOT, T0 // SLOT + 1):
        base = slot * SLOT
        for off in (0, 1, 2, 3, BUCKET - 1, BUCKET, BUCKET + 1, 5 * BUCKET + 7,
                    SLOT // 2, SLOT - BUCKET, SLOT - 2, SLOT - 1):
            keys.append(base + off)
    keys += [T0 + i for i in range(200)]
    return keys


class LogfilesCliTest(DaemonTestCase):

    def setUp(self):
        super().setUp()
        harness.binary("logfiles")
        self.nodes = []
        for i, (lo, hi) in enumerate(RANGES):
            data = self.path(f"data{i}")
            os.makedirs(data)
            self.nodes.append(self.start("logfilesnode", [
                "--listen", "127.0.0.1:0", "--data-dir", data, "--stats-log", "",
                "--range", f"0x{lo:016x}:0x{hi:016x}"]))
        self.node_args = []
        for n in self.nodes:
            self.node_args += ["--node", n.address]

    def tearDown(self):
        for d in self.daemons:
            if d.alive():
                d.stop()
        super().tearDown()

    def lf(self, *args, input=None, check=0, timeout=300):
        return run("logfiles", self.node_args + list(args), input=input, check=check,
                   timeout=timeout)

    def client(self, i):
        c = swarm.Client(self.nodes[i].host, self.nodes[i].port)
        self.addCleanup(c.close)
        return c

    def stored(self, channel):
        """Every record of channel on both nodes, checking that each is on its own node."""
        out = []
        for i, (lo, hi) in enumerate(RANGES):
            st, got = self.client(i).get_all(channel)
            self.assertEqual(st, swarm.OK)
            for k, v in got:
                self.assertTrue(lo <= swarm.bitswap(k) <= hi, f"{k:#x} on node {i}")
            out += got
        return out

    def put_spread(self, channel):
        keys = spread_keys()
        records = [(k, b"rec %d of %x" % (i, k)) for i, k in enumerate(keys)]
        records += [(keys[5], b"duplicate one"), (keys[5], b"duplicate two")]
        self.lf("put", channel, "--batch-size", "1K", input=lines_of(records))
        return records

    def test_put_routes_by_bitswap_and_loses_nothing(self):
        records = self.put_spread("spread")
        got = self.stored("spread")
        self.assertEqual(sorted(got), sorted(records))
        per_node = [len(self.client(i).get_all("spread")[1]) for i in range(2)]
        self.assertTrue(all(n > 0 for n in per_node), per_node)
        size = self.lf("size", "spread").stdout.decode().splitlines()
        self.assertEqual(size[-1].split("\t")[:2], ["total", str(len(records))])
        self.assertEqual([l.split("\t")[1] for l in size[:-1]], [str(n) for n in per_node])

    def test_get_range_inclusive_across_buckets_slots_and_nodes(self):
        records = self.put_spread("r")
        slot = T0 // SLOT
        bounds = [
            (slot * SLOT, slot * SLOT),                      # one key
            (slot * SLOT + 1, slot * SLOT + BUCKET),         # to the first key of a bucket
            (slot * SLOT - 2, slot * SLOT + 3),              # across a slot boundary
            (slot * SLOT - SLOT, slot * SLOT + 2 * SLOT - 1),  # three whole slots
            (T0 + 10, T0 + 19),
            (0, (1 << 64) - 1),
        ]
        for lo, hi in bounds:
            want = sorted(r for r in records if lo <= r[0] <= hi)
            out = self.lf("get-range", "r", str(lo), f"0x{hi:x}").stdout
            got = [(int(k), v) for k, v in (l.split(b"\t", 1) for l in out.splitlines())]
            self.assertEqual(sorted(got), want, f"[{lo}, {hi}]")
            # The independent client agrees, node by node.
            direct = []
            for i in range(2):
                st, part = self.client(i).get_range("r", lo, hi)
                self.assertEqual(st, swarm.OK)
                direct += part
            self.assertEqual(sorted(direct), want)
        # --sort: ascending keys, duplicates in the order they were put.
        out = self.lf("get-range", "r", "0", str((1 << 64) - 1), "--sort").stdout
        keys = [int(l.split(b"\t", 1)[0]) for l in out.splitlines()]
        self.assertEqual(keys, sorted(keys))
        self.assertEqual(len(keys), len(records))
        dups = [l for l in out.splitlines() if b"duplicate" in l]
        self.assertEqual([d.split(b"\t")[1] for d in dups], [b"duplicate one", b"duplicate two"])
        # Dates as operands, ISO output that put reads back.
        out = self.lf("get-range", "r", "2026-11-22T14:00:10Z", "2026-11-22T14:00:12Z",
                      "--keys-as", "iso", "--sort").stdout
        self.assertEqual(out.splitlines()[0].split(b"\t")[0], b"2026-11-22T14:00:10Z")
        self.assertEqual(len(out.splitlines()), 3)
        day = self.lf("get-range", "r", "2026-11-22", "2026-11-22").stdout
        self.assertEqual(len(day.splitlines()),
                         len([k for k, _ in records if 1795305600 <= k <= 1795391999]))

    def test_filter_and_get_all(self):
        records = self.put_spread("f")
        out = self.lf("get-range", "f", str(T0), str(T0 + 199), "--filter", "rec 4").stdout
        want = sorted(r for r in records if T0 <= r[0] <= T0 + 199 and b"rec 4" in r[1])
        self.assertTrue(want)
        self.assertEqual(sorted(out.splitlines()), sorted(lines_of(want).splitlines()))
        all_out = self.lf("get-all", "f").stdout
        self.assertEqual(sorted(all_out.splitlines()), sorted(lines_of(records).splitlines()))
        dup = self.lf("get-all", "f", "--filter", "duplicate", "--keys-as", "hex").stdout
        self.assertEqual(dup.splitlines(), [b"0x%016x\tduplicate one" % spread_keys()[5],
                                            b"0x%016x\tduplicate two" % spread_keys()[5]])

    def test_channels_size_remove_channel(self):
        self.lf("put", "b", input=b"1\tx\n")
        self.lf("put", "a", input=b"%d\tyy\n" % T0)
        self.assertEqual(self.lf("channels").stdout, b"a\nb\n")
        self.lf("remove-channel", "b")
        self.assertEqual(self.lf("channels").stdout, b"a\n")
        self.assertEqual(self.lf("get-all", "b").stdout, b"")
        total = self.lf("size").stdout.decode().splitlines()[-1]
        self.assertEqual(total, "total\t1\t2")
        ranges = self.lf("ranges").stdout.decode().splitlines()
        self.assertEqual(ranges, [f"{n.address}\t{lo:016x}:{hi:016x}\t20110401"
                                  for n, (lo, hi) in zip(self.nodes, RANGES)])
        self.assertEqual(self.lf("version").stdout.decode().splitlines(),
                         [f"{n.address}\t20110401" for n in self.nodes])
        stats = self.lf("stats").stdout.decode().splitlines()
        self.assertTrue(stats and all(l.split("\t")[0] in self.node_args for l in stats))

    def test_any_bytes_round_trip_through_a_pipeline(self):
        values = [bytes(range(256)), b"tab\there", b"new\nline", b"back\\slash\\t",
                  b"\r\n\x00", "café".encode(), b"\xff" * 3, b" leading and trailing "]
        records = [(T0 + 4096 * i + i, v) for i, v in enumerate(values)]
        # Written with the independent client, to the node each record belongs to.
        for k, v in records:
            node = 0 if swarm.bitswap(k) < HALF else 1
            self.assertEqual(self.client(node).log_put_batch("bytes", [(k, v)]), swarm.OK)
        out = self.lf("get-range", "bytes", str(T0), str(T0 + 10 ** 6)).stdout
        self.assertEqual(out.count(b"\n"), len(values))
        self.lf("put", "copy", input=out)
        self.assertEqual(sorted(self.stored("copy")), sorted(records))
        # --raw: all of standard input is one value.
        self.lf("put", "raw", "--raw", "--key", "0x20", input=bytes(range(256)) * 2)
        self.assertEqual(self.stored("raw"), [(0x20, bytes(range(256)) * 2)])

    def test_key_and_now(self):
        self.lf("put", "k", "--key", "2026-11-22T14:00:00Z", input=b"one\ntwo\\tx\n")
        self.assertEqual(sorted(self.stored("k")), [(T0, b"one"), (T0, b"two\tx")])
        before = int(time.time())
        self.lf("put", "n", "--now", input=b"stamped\n")
        after = int(time.time())
        [(k, v)] = self.stored("n")
        self.assertTrue(before <= k <= after)
        self.assertEqual(v, b"stamped")
        recent = self.lf("get-range", "n", "-1h", "now").stdout
        self.assertEqual(recent, b"%d\tstamped\n" % k)

    def test_slow_input_is_stored_as_it_comes(self):
        proc = subprocess.Popen([harness.binary("logfiles")] + self.node_args +
                                ["put", "slow", "--now", "--flush-interval", "100ms"],
                                stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            proc.stdin.write(b"first\n")
            proc.stdin.flush()
            wait_for(lambda: self.lf("get-all", "slow").stdout.endswith(b"\tfirst\n"),
                     timeout=30, what="the first line to be stored before the input ends")
            proc.stdin.write(b"second\n")
            proc.stdin.close()
            self.assertEqual(proc.wait(30), 0, proc.stderr.read())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()
        self.assertEqual(sorted(v for _, v in self.stored("slow")), [b"first", b"second"])

    def test_errors_and_exit_statuses(self):
        r = self.lf("put", "e", input=b"1\tone\n2\ttwo\nnot a record\n4\tfour\n", check=65)
        self.assertIn(b"logfiles: error: line 3: expected TIMESTAMP<TAB>VALUE", r.stderr)
        self.assertEqual(sorted(self.stored("e")), [(1, b"one"), (2, b"two")])
        r = self.lf("put", "e", input=b"yesterday\tx\n", check=65)
        self.assertIn(b"line 1: bad timestamp 'yesterday'", r.stderr)
        r = self.lf("put", "e", input=b"5\t\n", check=65)
        self.assertIn(b"line 1: empty value", r.stderr)
        r = self.lf("put", "e", input=b"5\t\\q\n", check=65)
        self.assertIn(b"line 1: bad escape", r.stderr)
        r = self.lf("put", "bad channel", input=b"1\tx\n", check=64)
        self.assertIn(b"logfiles: error: bad channel name 'bad channel'", r.stderr)
        self.lf("get-range", "e", "10", "5", check=64)
        self.lf("get-range", "e", "soon", "5", check=64)
        self.lf("put", "e", "--raw", input=b"x", check=64)  # --raw needs --key or --now
        r = run("logfiles", ["--node", "127.0.0.1:1", "get-all", "e"], check=69)
        self.assertIn(b"logfiles: error: cannot connect to 127.0.0.1:1", r.stderr)
        r = run("logfiles", self.node_args[:2] + ["put", "e"], input=b"1\tx\n", check=69)
        self.assertIn(b"hash ranges", r.stderr)  # one node alone does not cover the keys
        run("logfiles", ["channels"], check=64)  # no nodes
        # A node's refusal is reported: PutBatch larger than the node accepts.
        big = b"".join(b"%d\t%s\n" % (T0 + i, b"v" * 1000) for i in range(200))
        r = self.lf("put", "e", "--batch-size", "1M", input=big, check=69)
        self.assertRegex(r.stderr, rb"logfiles: error: node \S+ answered ValueTooBig to LogPutBatch")

    def test_many_records(self):
        n = 200000
        lines = b"".join(b"%d\tvalue %d of a log line\n" % (T0 + i // 8, i) for i in range(n))
        start = time.monotonic()
        self.lf("put", "many", input=lines)
        put_s = time.monotonic() - start
        start = time.monotonic()
        out = self.lf("get-range", "many", str(T0), str(T0 + n)).stdout
        get_s = time.monotonic() - start
        start = time.monotonic()
        ordered = self.lf("get-range", "many", str(T0), str(T0 + n), "--sort").stdout
        sort_s = time.monotonic() - start
        print(f"\nput {n}: {put_s:.2f} s; get-range: {get_s:.2f} s; --sort: {sort_s:.2f} s",
              file=sys.stderr)
        self.assertEqual(out.count(b"\n"), n)
        self.assertEqual(ordered, lines)  # sorted by key, duplicates in put order
        # A reader that goes away stops logfiles quietly with 74.
        proc = subprocess.Popen([harness.binary("logfiles")] + self.node_args +
                                ["get-all", "many"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertRegex(proc.stdout.readline(), rb"^[0-9]+\tvalue [0-9]+ of a log line\n$")
        proc.stdout.close()
        self.assertEqual(proc.wait(60), 74)
        self.assertEqual(proc.stderr.read(), b"")
        proc.stderr.close()


if __name__ == "__main__":
    harness.main()
