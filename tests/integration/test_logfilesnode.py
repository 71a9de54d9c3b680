"""logfilesnode against the spec: every request through an independent client, ranges across
buckets and slots, filters, the on-disk layout and record format, legacy/v1/gzip buckets,
SIGTERM and restart, kill -9 during heavy writes (no corrupt record ever; with --sync every
acknowledged record kept), recovery that keeps the good records after the checkpoint, a full
disk (a file size limit) that gives writers errors and leaves clean files, bad input."""

import gzip
import os
import random
import resource
import signal
import socket
import struct
import threading
import time

import harness
import swarm
from buckets import header, read_records, record
from swarm import (BAD_CHANNEL_NAME, EMPTY_VALUE, ERROR, INVALID_REQUEST, NOT_SUPPORTED, OK,
                   VALUE_TOO_BIG, WRONG_NODE)


def value_of(key, n):
    """The value the tests write as record n of key: checkable on its own."""
    return b"rec %016x %06d " % (key, n) + bytes([65 + (key + n) % 26]) * (n % 50)


def check_value(key, value):
    """True if value is one value_of(key, n) wrote."""
    try:
        n = int(value.split(b" ")[2])
    except (IndexError, ValueError):
        return False
    return value == value_of(key, n)


def slurp(path):
    with open(path, "rb") as f:
        return f.read()


def spit(path, data):
    with open(path, "wb") as f:
        f.write(data)


def bucket_path(data, channel, key):
    return os.path.join(data, channel, "%010x" % (key >> 24), "%03x" % ((key >> 12) & 0xFFF))


class LogfilesNodeTest(harness.DaemonTestCase):
    def node(self, *extra, data="data", **kw):
        return self.start("logfilesnode", ["--listen", "127.0.0.1:0", "--data-dir",
                                           self.path(data), "--stats-log", ""] + list(extra),
                          **kw)

    def client(self, node, timeout=30):
        c = swarm.Client(node.host, node.port, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def test_every_request(self):
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.version(), (OK, "20110401"))
        k = 0x570E13EB
        self.assertEqual(c.put_dup("logs", k, b"hello"), OK)
        self.assertEqual(c.put_dup("logs", k, b"again\x00\xff"), OK)  # several per key
        self.assertEqual(c.put("logs", k + 1, b"by Put"), OK)
        self.assertEqual(c.put("logs", 0x570E2000, b"next bucket"), OK)
        self.assertEqual(c.get_range("logs", k, k), (OK, [(k, b"hello"), (k, b"again\x00\xff")]))
        self.assertEqual(c.get_range("logs", k + 1, 0x570E2000),
                         (OK, [(k + 1, b"by Put"), (0x570E2000, b"next bucket")]))
        self.assertEqual(c.get_range("logs", 0, k - 1), (OK, []))
        self.assertEqual(c.get_range("logs", 0x570E2000, k), (OK, []))  # low > high
        self.assertEqual(c.get_range("logs", 0, 2**64 - 1, b"ag"), (OK, [(k, b"again\x00\xff")]))
        self.assertEqual(len(c.get_all("logs")[1]), 4)
        self.assertEqual(c.get_all_filter("logs", b"bucket"), (OK, [(0x570E2000, b"next bucket")]))
        self.assertEqual(c.get_all("nothing"), (OK, []))
        batch = [(0x1000 + i, b"batched %d" % i) for i in range(500)]
        self.assertEqual(c.log_put_batch("other", batch), OK)
        self.assertEqual(c.get_all("other"), (OK, batch))
        self.assertEqual(c.channels(), (OK, ["logs", "other"]))
        st, (addr, port, records, nbytes) = c.channel_size("logs")
        self.assertEqual((st, addr, port, records, nbytes),
                         (OK, "127.0.0.1", node.port, 4, 5 + 7 + 6 + 11))
        st, (_, _, records, _) = c.size()
        self.assertEqual(records, 504)
        self.assertEqual(c.responsible_range(), (OK, (0, 2**64 - 1)))
        self.assertEqual(c.num_connections(), (OK, 1))
        st, stats = c.stats()
        self.assertEqual(stats["total_records"], "504")
        self.assertEqual(stats["channel/other/records"], "500")
        # The DHT's own requests are not a log node's.
        self.assertEqual(c.get("logs", k)[0], NOT_SUPPORTED)
        # The layout of specs/swarm.md §3.2, in the v2 format.
        fmt, recs = read_records(slurp(bucket_path(self.path("data"), "logs", k)))
        self.assertEqual((fmt, recs), ("v2", [(k, b"hello"), (k, b"again\x00\xff"),
                                              (k + 1, b"by Put")]))
        self.assertEqual(c.remove_channel("logs"), OK)
        self.assertEqual(c.channels(), (OK, ["other"]))
        self.assertFalse(os.path.exists(self.path("data", "logs")))
        self.assertEqual(c.put_dup("logs", k, b"new"), OK)  # a new, empty channel
        self.assertEqual(c.get_all("logs"), (OK, [(k, b"new")]))
        node.stop()

    def test_stats_count_write_groups_and_syncs(self):
        for sync in (False, True):
            node = self.node(*(["--sync"] if sync else []), data="data-%d" % sync)
            c = self.client(node)
            for i in range(5):  # one at a time: a group each
                self.assertEqual(c.put("logs", 0x1000 + i, b"record %d" % i), OK)
            st, stats = c.stats()
            self.assertEqual(st, OK)
            self.assertGreaterEqual(int(stats["write_groups"]), 5)
            if sync:  # every group synced (and the checkpoint that listed the new bucket)
                self.assertGreaterEqual(int(stats["syncs"]), 5)
            else:  # only the checkpoint that listed the new bucket
                self.assertEqual(int(stats["syncs"]), 1, stats)
            self.assertIn("sync_ms", stats)
            node.stop()

    def test_scans_compress_only_while_the_client_lags(self):
        node = self.node()
        c = self.client(node)
        first = 0x570E0000
        # 40 MB of batches of values LZO shrinks well: far more than the socket buffers hold.
        records = [(first + i // 8, b"%08d " % i + b"x" * 91) for i in range(300000)]
        for i in range(0, len(records), 400):
            self.assertEqual(c.log_put_batch("big", records[i:i + 400]), OK)

        # A reply starts with literal runs (nothing says the link is slow yet); a client reading
        # ~6 MB/s gets compressed batches once the node has had to wait for it, which takes the
        # socket buffers and the node's queue (~15 MB on loopback). Not all of them: with data
        # LZO shrinks tenfold, a slow node (a sanitizer, a loaded machine) makes compressed
        # batches slower than the reader and turns back to literal runs, rightly.
        request = (swarm.i32(swarm.GET_RANGE) + swarm.arr(b"big") + swarm.arr(swarm.hexkey(0)) +
                   swarm.arr(swarm.hexkey(2**64 - 1)))
        for pause in (0, 0.01):
            c.send(request)
            self.assertEqual(c.status(), OK)
            payloads = c.batch_payloads(pause)
            self.assertEqual([r for p in payloads for r in swarm.parse_batch(p)], records)
            shrunk = [swarm.lzo_shrank(p) for p in payloads]
            self.assertFalse(shrunk[0])
        self.assertTrue(any(shrunk))
        st, stats = c.stats()
        self.assertLess(0, int(stats["iterated_uncompressed"]))
        self.assertLess(int(stats["iterated_uncompressed"]), int(stats["iterated"]))
        node.stop()

    def test_ranges_across_buckets_and_slots(self):
        node = self.node()
        c = self.client(node)
        rng = random.Random(7)
        base = 0x6000000000
        keys = [base + rng.randrange(0, 3 << 24) for _ in range(3000)]  # three slots
        keys += [base + (1 << 24) - 1, base + (1 << 24), base + 4095, base + 4096]  # the edges
        model = []
        for n, key in enumerate(keys):
            model.append((key, value_of(key, n)))
        for i in range(0, len(model), 400):
            self.assertEqual(c.log_put_batch("r", model[i:i + 400]), OK)
        for low, high in [(base, base + (3 << 24)), (base + 4095, base + 4096),
                          (base + (1 << 24) - 1, base + (1 << 24)),
                          (base + 12345, base + 9_000_000), (base + 5, base + 5)]:
            st, got = c.get_range("r", low, high)
            want = [(k, v) for k, v in model if low <= k <= high]
            self.assertEqual(st, OK)
            # Buckets come in key order; within one, records in append order.
            self.assertEqual(sorted(got, key=lambda r: r[0] >> 12), got)
            self.assertEqual(sorted(got), sorted(want), f"range {low:x}..{high:x}")
        st, got = c.get_range("r", base, base + (3 << 24), b"AAA")
        self.assertEqual(sorted(got), sorted((k, v) for k, v in model if b"AAA" in v))
        node.stop()

    def test_wrong_node_and_bad_input(self):
        node = self.node("--range", "0x0000000000000000:0x7fffffffffffffff", "--max-value", "1K")
        c = self.client(node)
        mine = next(k for k in range(1, 100) if swarm.bitswap(k) <= 0x7FFFFFFFFFFFFFFF)
        other = next(k for k in range(1, 100) if swarm.bitswap(k) > 0x7FFFFFFFFFFFFFFF)
        self.assertEqual(c.put_dup("ch", mine, b"v"), OK)
        self.assertEqual(c.put_dup("ch", other, b"v"), WRONG_NODE)
        self.assertEqual(c.log_put_batch("ch", [(mine, b"a"), (other, b"b")]), WRONG_NODE)
        self.assertEqual(c.put_dup("bad name", mine, b"v"), BAD_CHANNEL_NAME)
        self.assertEqual(c.put_dup("ch", mine, b""), EMPTY_VALUE)
        self.assertEqual(c.put_dup("ch", mine, b"x" * 2000), VALUE_TOO_BIG)
        c.send(swarm.i32(swarm.PUT_DUP) + swarm.arr("ch") + swarm.arr("not-a-key") + swarm.arr("v"))
        self.assertEqual(c.status(), INVALID_REQUEST)
        c.send(swarm.i32(swarm.GET_RANGE) + swarm.arr("ch") + swarm.arr("zz") + swarm.arr("zz"))
        self.assertEqual(c.status(), INVALID_REQUEST)
        c.send(swarm.i32(swarm.LOG_PUT_BATCH) + swarm.arr("ch") + swarm.arr(b"\x05" * 20))
        self.assertEqual(c.status(), VALUE_TOO_BIG)  # announces 0x0505050505050505 bytes
        c.send(swarm.i32(swarm.LOG_PUT_BATCH) + swarm.arr("ch") +
               swarm.arr(swarm.u64(100) + b"\x05" * 20))
        self.assertEqual(c.status(), INVALID_REQUEST)  # not LZO
        big = [(mine, b"y" * 900)] * 80  # 75 KiB uncompressed: over the node's 64 KiB
        self.assertEqual(c.log_put_batch("ch", big), VALUE_TOO_BIG)
        self.assertEqual(c.get_all("ch"), (OK, [(mine, b"v")]))  # nothing else got in
        # Garbage closes that connection only.
        bad = socket.create_connection((node.host, node.port), timeout=10)
        bad.sendall(b"\xff\xff\xff\x7fgarbage")
        self.assertEqual(bad.recv(100), b"")
        bad.close()
        self.assertEqual(self.client(node).get_all("ch"), (OK, [(mine, b"v")]))
        node.stop()

    def test_sigterm_and_restart(self):
        node = self.node()
        c = self.client(node)
        recs = [(0x1000 + i * 977, value_of(0x1000 + i * 977, i)) for i in range(2000)]
        for i in range(0, 1000, 250):  # a batch holds at most 64 KiB
            self.assertEqual(c.log_put_batch("keep", recs[i:i + 250]), OK)
        for k, v in recs[1000:1100]:
            self.assertEqual(c.put_dup("keep", k, v), OK)
        self.assertTrue(os.path.exists(self.path("data", "checkpoint.dat")))
        node.stop()
        self.assertFalse(os.path.exists(self.path("data", "checkpoint.dat")))  # a clean stop
        sizeinfo = slurp(self.path("data", "keep", "sizeinfo"))
        self.assertEqual(struct.unpack("<QQ", sizeinfo),
                         (1100, sum(len(v) for _, v in recs[:1100])))
        node = self.node()
        c = self.client(node)
        self.assertEqual(sorted(c.get_all("keep")[1]), sorted(recs[:1100]))
        self.assertEqual(c.channel_size("keep")[1][2], 1100)
        for i in range(1100, 2000, 300):
            self.assertEqual(c.log_put_batch("keep", recs[i:i + 300]), OK)
        self.assertEqual(sorted(c.get_all("keep")[1]), sorted(recs))
        node.stop()

    def _writers(self, node, channel, seconds, threads=4, batch=False):
        """Writes from several connections until killed; returns the acknowledged records."""
        acked = [[] for _ in range(threads)]
        stop = threading.Event()

        def write(i):
            c = swarm.Client(node.host, node.port, timeout=10)
            n = 0
            try:
                while not stop.is_set():
                    key = 0x5000000 + (i << 20) + n * 7
                    recs = [(key + j, value_of(key + j, n + j)) for j in range(20 if batch else 1)]
                    st = (c.log_put_batch(channel, recs) if batch
                          else c.put_dup(channel, key, recs[0][1]))
                    if st == OK:
                        acked[i].extend(recs)
                    n += len(recs)
            except (OSError, EOFError, struct.error, ConnectionError):
                pass  # the node was killed
            finally:
                c.close()

        ts = [threading.Thread(target=write, args=(i,)) for i in range(threads)]
        for t in ts:
            t.start()
        time.sleep(seconds)
        node.kill()
        stop.set()
        for t in ts:
            t.join(30)
        return [r for a in acked for r in a]

    def test_kill9_with_sync_keeps_every_acknowledged_record(self):
        node = self.node("--sync")
        acked = self._writers(node, "s", 1.5, batch=True)
        acked += self._writers(self.node("--sync"), "s", 1.5)
        self.assertGreater(len(acked), 100)
        node = self.node("--sync")
        st, got = self.client(node).get_all("s")
        self.assertEqual(st, OK)
        for k, v in got:
            self.assertTrue(check_value(k, v), f"corrupt record {k:x}: {v!r}")
        missing = set(acked) - set(got)
        self.assertEqual(missing, set(), f"{len(missing)} acknowledged records lost")
        self.assertIn("did not stop cleanly", node.stderr())
        node.stop()

    def test_kill9_without_sync_never_returns_corrupt_data(self):
        node = self.node("--checkpoint-period", "200ms")
        acked = self._writers(node, "n", 2, batch=True)
        self.assertGreater(len(acked), 100)
        node = self.node()
        st, got = self.client(node).get_all("n")
        self.assertEqual(st, OK)
        for k, v in got:
            self.assertTrue(check_value(k, v), f"corrupt record {k:x}: {v!r}")
        self.assertEqual(len(set(got)), len(got))  # nothing doubled either
        # The page cache survives a process crash: nothing acknowledged is lost here either.
        self.assertEqual(set(acked) - set(got), set())
        node.stop()

    def test_recovery_keeps_good_records_and_cuts_at_damage(self):
        node = self.node()
        c = self.client(node)
        key = 0x7000000
        for n in range(100):
            self.assertEqual(c.put_dup("d", key + n, value_of(key + n, n)), OK)
        node.kill()  # the checkpoint lists the bucket at its size when first opened
        path = bucket_path(self.path("data"), "d", key)
        data = bytearray(slurp(path))
        fmt, recs = read_records(bytes(data))
        self.assertEqual((fmt, len(recs)), ("v2", 100))
        offsets, pos = [], 16
        for k, v in recs:
            offsets.append(pos)
            pos += 21 + len(v)
        data[offsets[70] + 25] ^= 0x20  # a bit flip in record 70's value
        spit(path, bytes(data) + b"\x00" * 300)  # and a tail of zeros
        node = self.node()
        c = self.client(node)
        st, got = c.get_all("d")
        self.assertEqual(got, recs[:70])  # everything before the damage, nothing after
        self.assertEqual(os.path.getsize(path), offsets[70])
        self.assertEqual(c.channel_size("d")[1][2], 70)
        self.assertIn("bad checksum at offset %d" % offsets[70], node.stderr())
        self.assertEqual(c.put_dup("d", key, b"after"), OK)
        self.assertEqual(c.get_all("d")[1][-1], (key, b"after"))
        node.stop()

    def test_full_disk_gives_errors_not_corrupt_files(self):
        limit = 256 * 1024

        def small_disk():
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        node = self.node(preexec_fn=small_disk)
        c = self.client(node)
        acked, refused = [], 0
        key = 0x9000000
        for n in range(400):
            recs = [(key + n, value_of(key + n, n) + b"." * 900)]
            st = c.log_put_batch("full", recs)
            self.assertIn(st, (OK, ERROR))
            if st == OK:
                acked += recs
            else:
                refused += 1
        self.assertGreater(refused, 0)
        self.assertGreater(len(acked), 100)
        # The bucket holds exactly the acknowledged records, whole; the node still serves.
        fmt, recs = read_records(slurp(bucket_path(self.path("data"), "full", key)))
        self.assertEqual(recs, acked)
        self.assertEqual(c.get_all("full"), (OK, acked))
        self.assertEqual(c.put_dup("small", 1, b"fits elsewhere"), OK)
        st, stats = c.stats()
        self.assertEqual(int(stats["write_failures"]), refused)
        node.stop()

    def test_old_formats_and_gzip_buckets(self):
        data = self.path("data")
        first = 0x570E1000
        legacy = [(first + i, b"legacy %d" % i) for i in range(5)]
        v1 = [(first + 4096 + i, b"v1 %d" % i) for i in range(5)]
        gz = [(first + 8192 + i, b"gz %d" % i) for i in range(5)]
        for recs, fmt in ((legacy, "legacy"), (v1, "v1"), (gz, "v2")):
            path = bucket_path(data, "old", recs[0][0])
            os.makedirs(os.path.dirname(path), exist_ok=True)
            blob = header(fmt) + b"".join(record(fmt, k, v) for k, v in recs)
            if recs is gz:
                with gzip.open(path + ".gz", "wb") as f:
                    f.write(blob)
            else:
                spit(path, blob)
        node = self.node()
        c = self.client(node)
        self.assertEqual(c.get_all("old"), (OK, legacy + v1 + gz))
        self.assertEqual(c.channel_size("old")[1][2], 15)  # no sizeinfo: counted at start
        self.assertEqual(c.get_range("old", first + 4097, first + 8193),
                         (OK, v1[1:] + gz[:2]))
        # Appending to the legacy bucket upgrades it to v2 first, keeping its records.
        self.assertEqual(c.put_dup("old", first + 7, b"new"), OK)
        fmt, recs = read_records(slurp(bucket_path(data, "old", first)))
        self.assertEqual((fmt, recs), ("v2", legacy + [(first + 7, b"new")]))
        st, stats = c.stats()
        self.assertGreaterEqual(int(stats["compressed_buckets_read"]), 1)
        node.stop()


if __name__ == "__main__":
    harness.main()
