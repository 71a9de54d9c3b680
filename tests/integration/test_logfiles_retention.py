"""scripts/logfiles-retention on a data directory whose files get old mtimes with os.utime:
old buckets are gzipped (same bytes, same mtime), old .gz deleted, empty old slot directories
removed; recent files, strays, channel directories and the data directory stay; --dry-run
changes nothing; an interrupted compression is finished; usage errors."""

import gzip
import os
import subprocess
import time
import unittest

import harness

DAY = 86400
SCRIPT = os.path.join(harness.SOURCE, "scripts", "logfiles-retention")


class LogfilesRetentionTest(harness.DaemonTestCase):
    def write(self, rel, data, age_days):
        path = self.path(rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        t = time.time() - age_days * DAY
        os.utime(path, (t, t))
        return path

    def age(self, rel, days):
        t = time.time() - days * DAY
        os.utime(self.path(rel), (t, t))

    def run_script(self, *args, code=0):
        result = subprocess.run([SCRIPT] + list(args), capture_output=True, timeout=120)
        if result.returncode != code:
            raise AssertionError(f"logfiles-retention {' '.join(args)} exited {result.returncode}, "
                                 f"expected {code}; stderr:\n{result.stderr.decode()}")
        return result.stdout.decode(), result.stderr.decode()

    def store(self):
        data = self.path("data")
        self.write("data/ch/0000000057/0e1", b"old bucket" * 100, 100)
        self.write("data/ch/0000000057/0e2", b"recent bucket", 10)
        self.write("data/ch/0000000057/0e3.gz", gzip.compress(b"ancient"), 400)
        self.write("data/ch/0000000057/0e4.gz", gzip.compress(b"kept"), 200)
        self.write("data/ch/0000000058/001.gz", gzip.compress(b"ancient"), 500)
        self.write("data/ch/0000000057/notes", b"not a bucket", 1000)
        self.write("data/ch/sizeinfo", b"x" * 16, 1000)
        os.makedirs(self.path("data/ch/0000000059"))  # empty, but just created
        os.makedirs(self.path("data/ch/000000005a"))  # empty for a month
        os.makedirs(self.path("data/empty-channel"))
        for d in ("data/ch/0000000058", "data/ch/000000005a", "data/empty-channel", "data/ch"):
            self.age(d, 30)
        return data

    def test_compress_delete_and_remove(self):
        data = self.store()
        before = os.stat(self.path("data/ch/0000000057/0e1")).st_mtime
        out, err = self.run_script(data)
        self.assertIn("1 files compressed, 2 compressed files deleted, 1 empty slot", out)
        self.assertFalse(os.path.exists(self.path("data/ch/0000000057/0e1")))
        with gzip.open(self.path("data/ch/0000000057/0e1.gz")) as f:
            self.assertEqual(f.read(), b"old bucket" * 100)
        self.assertAlmostEqual(os.stat(self.path("data/ch/0000000057/0e1.gz")).st_mtime, before,
                               delta=1)
        self.assertTrue(os.path.exists(self.path("data/ch/0000000057/0e2")))
        self.assertFalse(os.path.exists(self.path("data/ch/0000000057/0e3.gz")))
        self.assertTrue(os.path.exists(self.path("data/ch/0000000057/0e4.gz")))
        self.assertTrue(os.path.exists(self.path("data/ch/0000000057/notes")))
        self.assertTrue(os.path.exists(self.path("data/ch/sizeinfo")))
        self.assertFalse(os.path.exists(self.path("data/ch/000000005a")))
        self.assertTrue(os.path.isdir(self.path("data/ch/0000000059")))
        # Emptied by this run: its mtime is now, so it goes at the next daily run.
        self.assertEqual(os.listdir(self.path("data/ch/0000000058")), [])
        self.assertTrue(os.path.isdir(self.path("data/empty-channel")))
        self.assertEqual(glob_tmp(data), [])
        self.age("data/ch/0000000058", 1.1)
        out, err = self.run_script(data)
        self.assertIn("0 files compressed, 0 compressed files deleted, 1 empty slot", out)
        self.assertFalse(os.path.exists(self.path("data/ch/0000000058")))
        self.assertTrue(os.path.isdir(self.path("data/ch")))

    def test_dry_run_changes_nothing(self):
        data = self.store()
        listing = sorted(os.walk(data))
        out, err = self.run_script("--dry-run", data)
        self.assertIn(f"would compress {data}/ch/0000000057/0e1\n", out)
        self.assertIn(f"would delete {data}/ch/0000000057/0e3.gz\n", out)
        self.assertIn(f"would remove {data}/ch/000000005a\n", out)
        self.assertNotIn("0e2", out)
        self.assertEqual(sorted(os.walk(data)), listing)

    def test_ages_are_options(self):
        data = self.store()
        self.run_script("--compress-after", "5", "--delete-after", "450", data)
        self.assertTrue(os.path.exists(self.path("data/ch/0000000057/0e2.gz")))
        self.assertTrue(os.path.exists(self.path("data/ch/0000000057/0e3.gz")))
        self.assertFalse(os.path.exists(self.path("data/ch/0000000058/001.gz")))

    def test_interrupted_compression_is_finished(self):
        data = self.path("data")
        self.write("data/ch/0000000057/0e1", b"bucket", 100)
        self.write("data/ch/0000000057/0e1.gz", gzip.compress(b"bucket"), 100)
        self.write("data/ch/0000000057/0e2", b"bucket", 100)
        self.write("data/ch/0000000057/0e2.gz", gzip.compress(b"other"), 100)
        out, err = self.run_script(data, code=74)
        self.assertFalse(os.path.exists(self.path("data/ch/0000000057/0e1")))
        self.assertTrue(os.path.exists(self.path("data/ch/0000000057/0e2")))
        self.assertIn("0e2.gz exists and differs", err)

    def test_usage(self):
        self.run_script(code=64)
        self.run_script("--compress-after", "x", self.dir, code=64)
        self.run_script("--compress-after", "0", self.dir, code=64)
        self.run_script("--compress-after", "90", "--delete-after", "30", self.dir, code=64)
        self.run_script("--bogus", self.dir, code=64)
        self.run_script(self.path("missing"), code=66)


def glob_tmp(data):
    return [os.path.join(d, f) for d, _, files in os.walk(data) for f in files if f.endswith(".tmp")]


if __name__ == "__main__":
    harness.main()
