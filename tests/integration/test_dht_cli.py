"""Integration tests of the dht CLI: record commands, streams, import/export, listen, the
admin commands, exit statuses and the man page. The same tests run against three real
dhtnodes (skipped while tools/dhtnode is not built) and against three fake_dhtnode.py
processes, so that the CLI is covered before the real node exists."""

import os
import signal
import subprocess
import sys
import time
import unittest

import harness
from harness import DaemonTestCase, run, wait_for
import swarm

HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_dhtnode.py")
MAX = (1 << 64) - 1


def split_evenly(n):
    """The ranges of proto::split_evenly: n nodes sharing the key space."""
    step, start, out = MAX // n, 0, []
    for i in range(n):
        end = MAX if i + 1 == n else start + step
        out.append((start, end))
        start = end + 1
    return out


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & MAX
    return h


class FakeNode(harness.Daemon):
    """fake_dhtnode.py run like a daemon of the harness."""

    def __init__(self, args, workdir, timeout=30):
        self.name = "fake_dhtnode"
        self.args = [sys.executable, FAKE] + list(args)
        self.workdir = workdir
        self.stderr_path = os.path.join(workdir, f"fake-{time.monotonic_ns()}.stderr")
        self.stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.args, cwd=HERE, stdout=subprocess.PIPE,
                                     stderr=self.stderr_file)
        self.stdout_lines = []
        self.address = self.wait_listening(timeout)

    def kill(self):
        super().kill()
        self.proc.stdout.close()


class DhtCli:
    """The tests; a subclass says how to start the nodes."""

    NODES = 3

    def start_node(self, lo, hi):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        harness.binary("dht")
        self.ranges = split_evenly(self.NODES)
        self.nodes = [self.start_node(lo, hi) for lo, hi in self.ranges]
        self.node_args = []
        for n in self.nodes:
            self.node_args += ["--node", n.address]

    @staticmethod
    def reap(proc):
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()

    def dht(self, *args, input=None, check=0, timeout=300):
        return run("dht", self.node_args + list(args), input=input, check=check, timeout=timeout)

    def client(self, i):
        c = swarm.Client(self.nodes[i].host, self.nodes[i].port)
        self.addCleanup(c.close)
        return c

    # Records
    def test_put_get_exists_remove(self):
        self.dht("put", "ch", "00000000000000ff", "hello")
        self.assertEqual(self.dht("get", "ch", "00000000000000ff").stdout, b"hello")
        self.assertEqual(self.dht("exists", "ch", "00000000000000FF").stdout, b"true\n")
        self.dht("remove", "ch", "00000000000000ff")
        missing = self.dht("get", "ch", "00000000000000ff", check=1)
        self.assertEqual(missing.stdout, b"")
        self.assertEqual(self.dht("exists", "ch", "00000000000000ff", check=1).stdout, b"false\n")

    def test_binary_value_from_stdin_round_trips(self):
        value = bytes(range(256)) * 3
        self.dht("put", "bin", "0123456789abcdef", input=value)
        self.assertEqual(self.dht("get", "bin", "0123456789abcdef").stdout, value)
        line = self.dht("export", "bin").stdout
        self.assertTrue(line.startswith(b"0123456789abcdef\t"))
        self.assertEqual(line.count(b"\n"), 1)  # newlines and tabs are escaped
        self.dht("import", "copy", input=line)
        self.assertEqual(self.dht("get", "copy", "0123456789abcdef").stdout, value)

    def test_hash_keys(self):
        self.dht("--hash", "put", "h", "hello", "world")
        self.assertEqual(self.dht("get-all-keys", "h").stdout, b"a430d84680aabd0b\n")
        self.assertEqual(self.dht("get", "h", "--hash", "hello").stdout, b"world")
        self.assertEqual(self.dht("get", "h", "A430D84680AABD0B").stdout, b"world")
        self.dht("--hash", "import", "h", input=b"caf\\xc3\\xa9\tcrema\n")
        key = "%016x" % fnv1a64("café".encode())
        self.assertEqual(self.dht("get", "h", key).stdout, b"crema")

    # Streams, import, export
    def test_import_export_and_routing(self):
        records = {fnv1a64(b"k%d" % i): b"value %d\twith tab" % i for i in range(100000)}
        lines = b"".join(b"%016x\t%s\n" % (k, v.replace(b"\t", b"\\t")) for k, v in records.items())
        self.dht("import", "bulk", "--batch-size", "16K", input=lines)
        exported = self.dht("export", "bulk").stdout
        self.assertEqual(sorted(exported.splitlines()), sorted(lines.splitlines()))
        keys = self.dht("get-all-keys", "bulk").stdout.split()
        self.assertEqual(len(keys), len(records))
        # Each node holds exactly the keys of its range (bit-reversed).
        total = 0
        for i, (lo, hi) in enumerate(self.ranges):
            st, got = self.client(i).get_all(b"bulk")
            self.assertEqual(st, swarm.OK)
            for k, v in got:
                self.assertTrue(lo <= swarm.bitswap(k) <= hi)
                self.assertEqual(records[k], v)
            total += len(got)
        self.assertEqual(total, len(records))
        size = self.dht("size", "bulk").stdout.decode().splitlines()
        self.assertEqual(len(size), self.NODES + 1)
        self.assertEqual(size[-1].split("\t")[:2], ["total", str(len(records))])
        filtered = self.dht("get-all-filter", "bulk", "value 4999\t").stdout
        self.assertEqual(filtered, b"%016x\tvalue 4999\\twith tab\n" % fnv1a64(b"k4999"))

    def test_import_stops_at_a_bad_line(self):
        data = b"0000000000000001\tone\n0000000000000002\ttwo\nnot a record\n0000000000000004\tx\n"
        r = self.dht("import", "bad", input=data, check=65)
        self.assertIn(b"dht: error: line 3: expected KEY<TAB>VALUE", r.stderr)
        self.assertEqual(self.dht("get", "bad", "0000000000000002").stdout, b"two")
        self.dht("get", "bad", "0000000000000004", check=1)
        r = self.dht("import", "bad", input=b"0000000000000001\t\\q\n", check=65)
        self.assertIn(b"line 1: bad escape", r.stderr)

    def test_million_record_import(self):
        n = 1000000
        lines = b"".join(b"%016x\tv%d\n" % (fnv1a64(b"%d" % i), i) for i in range(n))
        start = time.monotonic()
        self.dht("import", "big", input=lines)
        elapsed = time.monotonic() - start
        print(f"\nimport of {n} records: {elapsed:.2f} s", file=sys.stderr)
        total = self.dht("size", "big").stdout.decode().splitlines()[-1]
        self.assertEqual(total.split("\t")[1], str(n))
        start = time.monotonic()
        out = self.dht("get-all", "big").stdout
        print(f"get-all of {n} records: {time.monotonic() - start:.2f} s", file=sys.stderr)
        self.assertEqual(out.count(b"\n"), n)
        # A reader that goes away (dht get-all | head -1) stops dht quietly with 74.
        proc = subprocess.Popen([harness.binary("dht")] + self.node_args + ["get-all", "big"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertRegex(proc.stdout.readline(), rb"^[0-9a-f]{16}\tv[0-9]+\n$")
        proc.stdout.close()
        self.assertEqual(proc.wait(60), 74)
        self.assertEqual(proc.stderr.read(), b"")
        proc.stderr.close()

    def test_listen(self):
        proc = subprocess.Popen([harness.binary("dht")] + self.node_args + ["listen", "live"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(self.reap, proc)
        os.set_blocking(proc.stdout.fileno(), False)
        got = []

        def lines():
            chunk = proc.stdout.read()
            if chunk:
                got.extend(chunk.decode().splitlines())
            return got

        # Listening starts asynchronously: write until the first update shows.
        def first_update():
            self.dht("put", "live", "0000000000000001", "one")
            return lines()
        wait_for(first_update, what="the first Listen update")
        self.dht("put", "live", "0000000000000002", "a\tb")
        wait_for(lambda: "0000000000000002\ta\\tb" in lines(), what="the second update")
        self.dht("remove", "live", "0000000000000002")
        wait_for(lambda: "-0000000000000002" in lines(), what="the removal")
        self.dht("remove-channel", "live")
        self.assertEqual(proc.wait(30), 0, proc.stderr.read())

    def test_listen_stops_on_sigterm(self):
        proc = subprocess.Popen([harness.binary("dht")] + self.node_args + ["listen", "quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(self.reap, proc)
        os.set_blocking(proc.stdout.fileno(), False)

        def listening():  # an update shows once every node has the listener
            self.dht("put", "quiet", "0000000000000003", "x")
            return proc.stdout.read()
        wait_for(listening, what="the listener to start")
        proc.send_signal(signal.SIGTERM)
        self.assertEqual(proc.wait(30), 0, proc.stderr.read())

    # Administration
    def test_channels_size_remove_channel(self):
        self.dht("put", "b", "0000000000000001", "x")
        self.dht("put", "a", "8000000000000000", "yy")
        self.assertEqual(self.dht("channels").stdout, b"a\nb\n")
        lines = self.dht("size").stdout.decode().splitlines()
        self.assertEqual(lines[-1].split("\t")[:2], ["total", "2"])
        self.assertEqual([l.split("\t")[0] for l in lines[:-1]], [n.address for n in self.nodes])
        self.dht("remove-channel", "b")
        self.assertEqual(self.dht("channels").stdout, b"a\n")

    def test_ranges_and_stats(self):
        out = self.dht("ranges").stdout.decode().splitlines()
        self.assertEqual(len(out), self.NODES)
        for line, node, (lo, hi) in zip(out, self.nodes, self.ranges):
            self.assertEqual(line, f"{node.address}\t{lo:016x}:{hi:016x}\t20110401")
        self.assertEqual(self.dht("version").stdout.decode().splitlines(),
                         [f"{node.address}\t20110401" for node in self.nodes])
        partial = run("dht", self.node_args[:2] + ["ranges"], check=69)
        self.assertEqual(len(partial.stdout.splitlines()), 1)
        self.assertIn(b"hash ranges", partial.stderr)
        stats = self.dht("stats").stdout.decode().splitlines()
        self.assertTrue(stats)
        for line in stats:
            address, kv = line.split("\t", 1)
            self.assertIn(address, [n.address for n in self.nodes])
            self.assertIn(":", kv)

    def test_errors_and_exit_statuses(self):
        r = run("dht", ["--node", "127.0.0.1:1", "get", "ch", "0000000000000001"], check=69)
        self.assertIn(b"dht: error: cannot connect to 127.0.0.1:1", r.stderr)
        r = self.dht("put", "ch", "0000000000000001", "", check=69)
        self.assertRegex(r.stderr, rb"dht: error: node \S+ answered EmptyValue to Put")
        self.dht("get", "bad channel", "0000000000000001", check=64)
        self.dht("get", "ch", "123", check=64)
        run("dht", ["get", "ch", "0000000000000001"], check=64)  # no nodes
        nodes = os.path.join(self.dir, "nodes")
        with open(nodes, "w") as f:
            f.write("# the test DHT\n" + "".join(n.address + "\n" for n in self.nodes))
        run("dht", ["--nodes", nodes, "put", "ch", "0000000000000001", "v"], check=0)
        run("dht", ["--nodes", nodes + ".missing", "channels"], check=66)


class FakeNodeDhtCliTest(DhtCli, DaemonTestCase):
    def start_node(self, lo, hi):
        node = FakeNode(["--listen", "127.0.0.1:0", "--range", f"{lo:016x}:{hi:016x}"], self.dir)
        self.daemons.append(node)
        return node


class DhtnodeDhtCliTest(DhtCli, DaemonTestCase):
    def start_node(self, lo, hi):
        data = self.path(f"data-{lo:016x}")
        os.makedirs(data, exist_ok=True)
        return self.start("dhtnode", ["--listen", "127.0.0.1:0", "--data-dir", data,
                                      "--range", f"{lo:016x}:{hi:016x}"])

    def tearDown(self):
        for d in self.daemons:
            if d.alive():
                d.stop()
        super().tearDown()


class ManPageTest(unittest.TestCase):
    """Every long option of dht --help (and of each subcommand) is in man/dht.1."""

    def test_options_documented(self):
        page = open(os.path.join(harness.SOURCE, "man", "dht.1")).read()
        helps = [run("dht", ["--help"], check=0).stdout.decode()]
        subcommands = []
        for line in helps[0].split("Subcommands:", 1)[1].splitlines():
            if line.strip():
                subcommands.append(line.split()[0])
        for sub in subcommands:
            helps.append(run("dht", [sub, "--help"], check=0).stdout.decode())
            self.assertIn(sub, page.replace("\\-", "-"))
        import re
        options = set(re.findall(r"--[a-z][a-z-]+", "\n".join(helps)))
        self.assertIn("--hash", options)
        text = page.replace("\\-", "-")
        for option in sorted(options - {"--help"}):
            self.assertIn(option, text, f"{option} is not in man/dht.1")

    def test_mandoc_lint(self):
        mandoc = "/usr/bin/mandoc"
        if not os.access(mandoc, os.X_OK):
            self.skipTest("mandoc not installed")
        r = subprocess.run([mandoc, "-Tlint", "-Wwarning", os.path.join(harness.SOURCE, "man", "dht.1")],
                           capture_output=True)
        self.assertEqual(r.returncode, 0, r.stdout.decode() + r.stderr.decode())


if __name__ == "__main__":
    harness.main()
