"""logfiles-check on bucket files built here with struct (legacy, v1, v2, gzip): a clean store,
damage of every kind in every format (verdict lines, exit status), --fix (every valid record
kept, checked with an independent Python reader; the original bytes in .broken; a second run
clean), --dry-run, --json, --size, unsupported versions, usage errors and missing paths."""

import gzip
import json
import os
import re
import struct
import unittest

import harness

TOOL = "logfiles-check"


from buckets import crc32c, header, parity, read_records, record  # noqa: F401


FIRST = 0x570E1000  # bucket 0000000057/0e1


def make_records(n, first=FIRST, seed=0):
    return [(first + (i * 37 + seed) % 4096, bytes([(i + seed) % 251]) * ((i * 13) % 300))
            for i in range(n)]


def encode(fmt, records):
    parts = [header(fmt)]
    offsets = []
    pos = len(parts[0])
    for key, value in records:
        offsets.append(pos)
        r = record(fmt, key, value)
        parts.append(r)
        pos += len(r)
    return b"".join(parts), offsets


TOTAL = re.compile(r"^total: (\d+) channels?, (\d+) files, (\d+) records, (\d+) value bytes, "
                   r"(\d+) damaged \(([\d.]+)%\)", re.M)


class LogfilesCheckTest(harness.DaemonTestCase):
    def setUp(self):
        super().setUp()
        harness.binary(TOOL)

    def write(self, rel, data):
        path = self.path(rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read(self, rel):
        with open(self.path(rel), "rb") as f:
            return f.read()

    def check(self, *args, code=None):
        result = harness.run(TOOL, list(args), cwd=self.dir, check=code)
        return result.stdout.decode(), result.stderr.decode(), result.returncode

    def total(self, out):
        m = TOTAL.search(out)
        self.assertIsNotNone(m, out)
        return tuple(int(g) if "." not in g else float(g) for g in m.groups())

    def test_crc32c_of_the_test(self):
        self.assertEqual(crc32c(b"123456789"), 0xE3069283)

    def clean_store(self):
        """Three formats and a gzip bucket; returns (records, value bytes) of the plain files."""
        n, size = 0, 0
        for i, fmt in enumerate(("legacy", "v1", "v2")):
            recs = make_records(40 + i, first=FIRST + i * 4096, seed=i)
            self.write(f"ch/0000000057/0e{1 + i}", encode(fmt, recs)[0])
            n += len(recs)
            size += sum(len(v) for _, v in recs)
        gz_recs = make_records(25, first=0x12345678ABC00000)
        self.write("ch/12345678ab/c00.gz", gzip.compress(encode("v2", gz_recs)[0]))
        return n, size, gz_recs

    def test_clean_store(self):
        n, size, gz_recs = self.clean_store()
        out, err, code = self.check("ch", code=0)
        self.assertEqual(self.total(out), (1, 3, n, size, 0, 0.0))
        self.assertIn("1 compressed files skipped", out)
        self.assertNotIn("damaged ", out.split("channel")[0])
        out, err, code = self.check("--gz", "-v", "ch", code=0)
        self.assertEqual(self.total(out)[1:4], (4, n + len(gz_recs),
                                                size + sum(len(v) for _, v in gz_recs)))
        self.assertIn("ok ch/12345678ab/c00.gz v2: 25 records", out)
        self.assertEqual(err, "")

    def damage_cases(self, fmt):
        """(name, bytes, expected valid records, expected verdict regex) for fmt."""
        recs = make_records(60)
        data, at = encode(fmt, recs)
        hsize = {"legacy": 16, "v1": 17, "v2": 21}[fmt]
        cases = []
        # A key of another bucket: skipped (its length is sound), every format.
        b = bytearray(data)
        b[at[5] + 3] ^= 0x10
        if fmt != "legacy":
            b[at[5] + 16] ^= 0x10
        cases.append(("range", bytes(b), recs[:5] + recs[6:],
                      rf"key outside the bucket at {at[5]}$"))
        # A torn tail.
        cases.append(("torn", data[:-3], recs[:-1], rf"truncated record at {at[-1]}$"))
        # A bit flip: in a v2 value (checksum), in a v1 length (parity), in a legacy key.
        b = bytearray(data)
        if fmt == "v2":
            b[at[10] + hsize] ^= 0x04
            cases.append(("flip", bytes(b), recs[:10] + recs[11:], rf"bad checksum at {at[10]}$"))
        elif fmt == "v1":
            b[at[10] + 9] ^= 0x04
            cases.append(("flip", bytes(b), recs[:10], rf"bad header parity at {at[10]}$"))
        else:
            b[at[10] + 7] ^= 0x80
            cases.append(("flip", bytes(b), recs[:10] + recs[11:],
                          rf"key outside the bucket at {at[10]}$"))
        # Garbage in the middle: v2 finds the next record, the older formats cannot.
        garbage = b"\xa5" * 50
        b = data[:at[20]] + garbage + data[at[20]:]
        if fmt == "v2":
            cases.append(("garbage", b, recs, rf"bad header parity at {at[20]}$"))
        elif fmt == "v1":
            cases.append(("garbage", b, recs[:20], rf"bad header parity at {at[20]}$"))
        else:
            cases.append(("garbage", b, recs[:20], rf"implausible length at {at[20]}$"))
        return cases

    def test_damage_found_and_fixed_in_every_format(self):
        for fmt in ("legacy", "v1", "v2"):
            for name, data, valid, verdict in self.damage_cases(fmt):
                with self.subTest(fmt=fmt, case=name):
                    rel = f"{fmt}-{name}/0000000057/0e1"
                    self.write(rel, data)
                    out, err, code = self.check(rel, code=1)
                    line = [l for l in out.splitlines() if l.startswith("damaged ")]
                    self.assertEqual(len(line), 1, out)
                    self.assertRegex(line[0], rf"^damaged {re.escape(rel)} {fmt}: {len(valid)} "
                                     rf"records, " + verdict)
                    out, err, code = self.check("--fix", rel, code=2)
                    self.assertIn(f"repaired {rel}: kept {len(valid)} records", out)
                    self.assertEqual(self.read(rel + ".broken"), data)
                    got_fmt, got = read_records(self.read(rel))
                    self.assertEqual(got_fmt, fmt)  # legacy and v1 are not upgraded
                    self.assertEqual(got, valid)
                    out, err, code = self.check(rel, code=0)
                    self.assertEqual(sorted(os.listdir(self.path(os.path.dirname(rel)))),
                                     ["0e1", "0e1.broken"])

    def test_fix_a_whole_channel_and_dry_run(self):
        n, size, _ = self.clean_store()
        bad = bytearray(self.read("ch/0000000057/0e3"))  # v2
        bad[100] ^= 0xFF
        self.write("ch/0000000057/0e3", bytes(bad))
        self.write("ch/0000000057/0e3.broken", b"an earlier repair")
        before = {p: self.read(p) for p in ("ch/0000000057/0e1", "ch/0000000057/0e2",
                                            "ch/0000000057/0e3")}
        out, err, code = self.check("--fix", "--dry-run", "ch", code=1)
        self.assertRegex(out, r"(?m)^would repair ch/0000000057/0e3: keep \d+ records")
        self.assertEqual({p: self.read(p) for p in before}, before)
        out, err, code = self.check("--quiet", "--fix", "ch", code=2)
        self.assertIn("original in ch/0000000057/0e3.broken.1", out)
        self.assertNotIn("channel ch:", out)
        self.assertEqual(self.read("ch/0000000057/0e3.broken"), b"an earlier repair")
        self.assertEqual(self.read("ch/0000000057/0e3.broken.1"), bytes(bad))
        self.assertEqual(self.read("ch/0000000057/0e1"), before["ch/0000000057/0e1"])
        out, err, code = self.check("ch", code=0)
        self.assertEqual(self.total(out)[4], 0)

    def test_json_lines(self):
        self.clean_store()
        self.write("ch/0000000057/0e4", encode("v2", make_records(10, first=FIRST + 3 * 4096))[0][:-1])
        out, err, code = self.check("--json", "ch", code=1)
        objects = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([o["type"] for o in objects], ["file", "channel", "summary"])
        damaged = objects[0]
        self.assertEqual(damaged["path"], "ch/0000000057/0e4")
        self.assertEqual(damaged["verdict"], "damaged")
        self.assertEqual(damaged["records"], 9)
        self.assertEqual(damaged["first_damage"]["kind"], "truncated record")
        self.assertEqual(objects[-1]["damaged"], 1)
        self.assertEqual(objects[-1]["files"], 4)
        self.assertEqual(objects[-1]["gz_skipped"], 1)
        out, err, code = self.check("--json", "--fix", "ch", code=2)
        fixed = json.loads(out.splitlines()[0])
        self.assertEqual((fixed["repair"], fixed["kept_records"]), ("repaired", 9))
        self.assertEqual(fixed["broken_path"], "ch/0000000057/0e4.broken")

    def test_size_figures(self):
        n, size, _ = self.clean_store()
        out, err, code = self.check("--size", "ch", code=0)
        gz_bytes = os.path.getsize(self.path("ch/12345678ab/c00.gz"))
        expected = (f"3 files, {n} records, {size} value bytes, "
                    f"1 compressed files skipped ({gz_bytes} bytes)")
        self.assertEqual(out.splitlines(), [f"channel ch: {expected}",
                                            f"total: 1 channel, {expected}"])

    def test_all_channels_of_a_data_dir(self):
        self.clean_store()
        self.write("other/0000000001/000", encode("v1", make_records(5, first=0x1000000))[0])
        self.write("checkpoint.dat", b"ch 0 0\n")
        out, err, code = self.check("--all", ".", code=0)
        self.assertIn("channel ./ch:", out)
        self.assertIn("channel ./other: 1 files, 5 records", out)
        self.assertEqual(self.total(out)[:2], (2, 4))

    def test_unsupported_version_is_never_touched(self):
        data = struct.pack("<Q", 9) + b"DLSBUCKT" + b"\x00" * 40
        self.write("ch/0000000057/0e1", data)
        out, err, code = self.check("--fix", "ch", code=1)
        self.assertIn("unsupported ch/0000000057/0e1: bucket format version 9, left alone", out)
        self.assertEqual(self.read("ch/0000000057/0e1"), data)
        self.assertEqual(os.listdir(self.path("ch/0000000057")), ["0e1"])

    def test_torn_empty_bucket_gets_a_v2_header(self):
        self.write("ch/0000000057/0e1", b"\x02\x00\x00\x00")
        out, err, code = self.check("ch", code=1)
        self.assertIn("damaged ch/0000000057/0e1 v2: 0 records, torn header (4 bytes)", out)
        self.check("--fix", "ch", code=2)
        self.assertEqual(self.read("ch/0000000057/0e1"), header("v2"))

    def test_compressed_damage_is_reported_not_repaired(self):
        data = bytearray(gzip.compress(encode("v2", make_records(50))[0]))
        data[len(data) // 2] ^= 0xFF
        self.write("ch/0000000057/0e1.gz", bytes(data))
        out, err, code = self.check("--gz", "--fix", "ch", code=1)
        self.assertIn("damaged ch/0000000057/0e1.gz", out)
        self.assertIn("not repaired ch/0000000057/0e1.gz: compressed", out)
        self.assertEqual(self.read("ch/0000000057/0e1.gz"), bytes(data))

    def test_strays_are_warned_about(self):
        self.clean_store()
        self.write("ch/0000000057/notes", b"x")
        self.write("ch/0000000057/0e1.repairing", b"leftover")
        out, err, code = self.check("ch", code=0)
        self.assertIn("logfiles-check: warning: ch/0000000057/notes:", err)
        self.assertNotIn("repairing", err)
        self.assertIn("1 unknown names skipped", out)

    def test_usage_errors_and_missing_paths(self):
        for args in ([], ["--bogus", "x"], ["--dry-run", "x"], ["--size", "--fix", "x"],
                     ["-q", "-v", "x"]):
            with self.subTest(args=args):
                out, err, code = self.check(*args, code=64)
                self.assertIn("logfiles-check: error:", err)
        out, err, code = self.check("no-such-dir", code=66)
        self.assertEqual(err, "logfiles-check: error: no-such-dir: no such file or directory\n")
        self.write("x/notabucket", b"")
        self.check("x/notabucket", code=64)


if __name__ == "__main__":
    harness.main()
