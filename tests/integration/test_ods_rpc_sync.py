"""Integration tests of ods-rpc-sync: three real nodes, each with its own flag directory and
state directory, talking through a real queuenode (this file) or a real RabbitMQ broker
(test_ods_rpc_sync_amqp.py, which reuses these tests). Changes are made to the directories the
way ods-rpc makes them; the outcome is checked against last-writer-wins computed from what the
nodes logged as their own changes."""

import os
import random
import re
import signal
import subprocess
import threading
import time

from harness import DaemonTestCase, binary, main, run, wait_for

ZONES = [f"z{i}.example" for i in range(6)]
FLAGS = [f"{z}.{f}" for z in ZONES for f in ("signed", "chaining", "dsttl")]
LOCAL = re.compile(r" debug local (SET|CLEAR) (\S+) (\d+) (\S+) ?(.*)$")
FLAG_NAME = re.compile(r"^[0-9a-z]+(-[0-9a-z]+)*(\.[0-9a-z]+(-[0-9a-z]+)*)+\.[a-z]+$")


def unescape(text):
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def snapshot(flag_dir):
    """Every flag of a directory: name -> (content, mtime in ns)."""
    out = {}
    for name in os.listdir(flag_dir):
        if not FLAG_NAME.match(name):
            continue
        path = os.path.join(flag_dir, name)
        try:
            with open(path, "rb") as f:
                content = f.read()
            out[name] = (content, os.stat(path).st_mtime_ns)
        except FileNotFoundError:
            pass
    return out


def write_flag(flag_dir, name, value):
    """As ods-rpc does: open for writing, write, close (value None: true, an empty file)."""
    with open(os.path.join(flag_dir, name), "w") as f:
        if value is not None:
            f.write(f"{value}\n")


def clear_flag(flag_dir, name):
    try:
        os.unlink(os.path.join(flag_dir, name))
    except FileNotFoundError:
        pass


class QueueTransport:
    """A queuenode and the options that point ods-rpc-sync at it."""

    channel = "ods-rpc-sync"

    def __init__(self, test):
        self.test = test
        os.makedirs(test.path("queue"), exist_ok=True)
        self.node = test.start("queuenode", ["--listen", "127.0.0.1:0", "--data-dir",
                                             test.path("queue"), "--stats-log", ""])

    def args(self):
        return ["--queue", self.node.address]

    def inject(self, body):
        """Publishes body as if some node had sent it."""
        run("queue", ["--node", self.node.address, "push", "--raw", self.channel],
            input=body.encode(), check=0)


class SyncTestBase:
    """The tests, for any transport; subclasses mix in DaemonTestCase and name a transport."""

    def make_transport(self):
        raise NotImplementedError

    def setUp(self):
        super().setUp()
        self.transport = self.make_transport()
        self.nodes = {}
        self.instances = []  # every daemon ever started, for their logs

    def flag_dir(self, i):
        return self.path(f"flags{i}")

    def node_id(self, i):
        return f"n{i}"

    def start_sync(self, i, extra=()):
        os.makedirs(self.flag_dir(i), exist_ok=True)
        os.makedirs(self.path(f"state{i}"), exist_ok=True)
        args = ["--dir", self.flag_dir(i), "--node-id", self.node_id(i), "--state-dir",
                self.path(f"state{i}"), "--merge-window", "5ms", "--summary-interval", "3s",
                "--log-level", "debug", "--stats-log", ""] + self.transport.args() + list(extra)
        d = self.start("ods-rpc-sync", args, ready_pattern=r"ready (\S+)$", timeout=60)
        self.nodes[i] = d
        self.instances.append(d)
        return d

    def status(self, i):
        out = run("ods-rpc-sync", ["status", "--state-dir", self.path(f"state{i}")])
        fields = {}
        for line in out.stdout.decode().splitlines():
            key, _, value = line.partition(":")
            fields[key] = value
        return out.returncode, fields

    def counter(self, i, key):
        return int(self.status(i)[1].get(key, "0"))

    def wait_counter(self, i, key, predicate, what, timeout=10):
        """The status file is rewritten every second: wait for it to say so."""
        wait_for(lambda: predicate(self.counter(i, key)), timeout=timeout,
                 what=f"n{i} {key} {what}")

    def wait_connected(self, nodes, timeout=60):
        for i in nodes:
            wait_for(lambda: self.status(i)[1].get("connected") == "1", timeout=timeout,
                     what=f"n{i} connected")

    def expected(self):
        """Last writer wins over every local change any node logged: name -> content."""
        best = {}
        for d in self.instances:
            for line in d.stderr().splitlines():
                m = LOCAL.search(line)
                if not m:
                    continue
                op, name, ts, origin, value = m.groups()
                version = (int(ts), origin)
                if name not in best or version > best[name][0]:
                    content = (unescape(value) + "\n").encode() if value else b""
                    best[name] = (version, op, content)
        return {name: content for name, (_, op, content) in best.items() if op == "SET"}

    def wait_converged(self, nodes, timeout=60):
        def same():
            snaps = [snapshot(self.flag_dir(i)) for i in nodes]
            return all(s == snaps[0] for s in snaps[1:]) and snaps[0]
        try:
            return wait_for(same, timeout=timeout, interval=0.2, what="identical directories")
        except AssertionError:
            for i in nodes:
                print(f"n{i}:", sorted(snapshot(self.flag_dir(i)).items()))
            raise

    def check_outcome(self, nodes):
        final = self.wait_converged(nodes)
        want = self.expected()
        got = {name: content for name, (content, _) in final.items()}
        self.assertEqual(got, want)

    def churn(self, nodes, ops, seed, stop=None):
        """Random SET, SET-true and CLEAR on the given nodes at once, one thread per node."""
        def worker(i):
            rng = random.Random(seed * 100 + i)
            for n in range(ops):
                if stop is not None and stop.is_set():
                    return
                name = rng.choice(FLAGS)
                r = rng.random()
                if r < 0.45:
                    write_flag(self.flag_dir(i), name, f"n{i}-{n}-{rng.randrange(10**6)}")
                elif r < 0.6:
                    write_flag(self.flag_dir(i), name, None)
                else:
                    clear_flag(self.flag_dir(i), name)
                time.sleep(rng.random() * 0.004)
        threads = [threading.Thread(target=worker, args=(i,)) for i in nodes]
        for t in threads:
            t.start()
        return threads

    # --- the tests ---------------------------------------------------------------------------

    def test_churn_on_three_nodes_converges_to_last_writer_wins(self):
        for i in range(3):
            self.start_sync(i)
        self.wait_connected(range(3))
        for t in self.churn(range(3), 250, seed=1):
            t.join(120)
        self.check_outcome(range(3))
        # Applied files carry the origin's time: the directories agree to the nanosecond.
        snaps = [snapshot(self.flag_dir(i)) for i in range(3)]
        self.assertEqual(snaps[0], snaps[1])
        self.wait_counter(1, "applied", lambda v: v > 0, "> 0")
        self.assertEqual(self.counter(1, "refused"), 0)
        for i in range(3):
            self.nodes[i].stop()

    def test_a_node_killed_during_churn_converges_after_restart(self):
        for i in range(3):
            self.start_sync(i)
        self.wait_connected(range(3))
        threads = self.churn(range(3), 300, seed=2)
        time.sleep(0.4)
        self.nodes[1].kill()  # kill -9, mid-churn
        for t in threads:
            t.join(120)
        # While it is down its directory changes too (ods-rpc keeps running).
        write_flag(self.flag_dir(1), "z0.example.signed", "changed-while-down")
        clear_flag(self.flag_dir(1), "z1.example.chaining")
        for t in self.churn([0, 2], 50, seed=3):
            t.join(120)
        self.start_sync(1)
        self.check_outcome(range(3))
        for i in range(3):
            self.nodes[i].stop()

    def test_a_new_node_converges_from_summaries_alone(self):
        for i in range(2):
            self.start_sync(i)
        self.wait_connected(range(2))
        for t in self.churn(range(2), 100, seed=4):
            t.join(120)
        self.wait_converged(range(2))
        # Its subscription starts empty: only the summary exchange can bring it the history.
        self.start_sync(2)
        self.check_outcome(range(3))
        self.wait_counter(2, "summaries_received", lambda v: v > 0, "> 0")
        wait_for(lambda: sum(self.counter(i, "repairs_sent") for i in range(2)) > 0,
                 timeout=10, what="repairs sent")

    def test_a_late_old_update_neither_overwrites_nor_resurrects(self):
        for i in range(3):
            self.start_sync(i)
        self.wait_connected(range(3))
        write_flag(self.flag_dir(0), "z0.example.signed", "new")
        write_flag(self.flag_dir(0), "z0.example.chaining", None)
        self.wait_converged(range(3))
        clear_flag(self.flag_dir(0), "z0.example.chaining")
        wait_for(lambda: all("z0.example.chaining" not in snapshot(self.flag_dir(i))
                             for i in range(3)), what="the clear everywhere")
        before = [snapshot(self.flag_dir(i)) for i in range(3)]
        old = time.time_ns() - 3600 * 10**9  # an hour old, held back somewhere
        self.transport.inject(f"ods-rpc-sync/1 zz-late {old} SET z0.example.signed old\n")
        self.transport.inject(f"ods-rpc-sync/1 zz-late {old} SET z0.example.chaining old\n")
        # A fresh update after them: once it is everywhere, the old ones have been handled.
        self.transport.inject(f"ods-rpc-sync/1 zz-late {time.time_ns()} SET z5.example.dsttl 3600\n")
        wait_for(lambda: all("z5.example.dsttl" in snapshot(self.flag_dir(i)) for i in range(3)),
                 what="the marker everywhere")
        for i in range(3):
            snap = snapshot(self.flag_dir(i))
            del snap["z5.example.dsttl"]
            self.assertEqual(snap, before[i])
            self.wait_counter(i, "stale", lambda v: v >= 2, ">= 2")

    def test_malformed_messages_are_refused_counted_and_do_not_block(self):
        for i in range(2):
            self.start_sync(i)
        self.wait_connected(range(2))
        now = time.time_ns()
        bad = [
            "garbage\n",
            f"ods-rpc-sync/1 evil {now} SET ../../escape.example.signed x\n",
            f"ods-rpc-sync/1 evil {now} SET .hidden.example.signed x\n",
            f"ods-rpc-sync/1 evil {now} SET z1.example.signed {'x' * 5000}\n",
            f"ods-rpc-sync/1 evil {now} SET z1.example.signed two\\nlines\n",
            f"ods-rpc-sync/1 evil/1 {now} SET z1.example.signed x\n",
            f"ods-rpc-sync/1 evil {now} SUMMARY 1 1 1 0\nnot an entry\n",
            f"ods-rpc-sync/2 evil {now} SET z1.example.signed x\n",
            f"{now // 10**9} SET z1.example.signed x\n",  # the original's text, not enabled
        ]
        for body in bad:
            self.transport.inject(body)
        self.transport.inject(f"ods-rpc-sync/1 fine {time.time_ns()} SET z2.example.signed ok\n")
        for i in range(2):
            wait_for(lambda: os.path.exists(os.path.join(self.flag_dir(i), "z2.example.signed")),
                     what="the good update after the bad ones")
            wait_for(lambda: self.counter(i, "refused") == len(bad), what="every bad one counted")
            self.assertNotIn("z1.example.signed", snapshot(self.flag_dir(i)))
        self.assertFalse(os.path.exists(self.path("escape.example.signed")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "..", "escape.example.signed")))
        for i in range(2):
            self.nodes[i].stop()

    def test_status_reports_peers_and_liveness(self):
        for i in range(2):
            self.start_sync(i)
        self.wait_connected(range(2))
        write_flag(self.flag_dir(0), "z3.example.signed", "1")
        wait_for(lambda: os.path.exists(os.path.join(self.flag_dir(1), "z3.example.signed")),
                 what="the update")
        peer = f"peer/{self.node_id(0)}/"
        wait_for(lambda: self.status(1)[1].get(peer + "applied") == "1", what="peer stats")
        code, fields = self.status(1)
        self.assertEqual(code, 0)
        self.assertEqual(fields["node"], self.node_id(1))
        self.assertIn(peer + "lag_ms", fields)
        self.assertEqual(fields["local_changes"], "0")
        self.nodes[1].stop()
        code, _ = self.status(1)
        self.assertEqual(code, 69)  # EX_UNAVAILABLE: not running
        self.nodes[0].stop()

    def test_bad_command_lines_get_usage_or_config_errors(self):
        os.makedirs(self.path("d"), exist_ok=True)
        cases = [
            ([], 78),  # no directory
            (["--dir", self.path("d"), "--state-dir", self.path("d")], 78),  # no transport
            (["--dir", self.path("missing"), "--state-dir", self.path("d")] + self.transport.args(), 78),
            (["--dir", self.path("d"), "--state-dir", self.path("d"), "--node-id", "a/b"]
             + self.transport.args(), 78),
            (["--dir", self.path("d"), "--state-dir", self.path("d"), "--bogus"], 64),
        ]
        for args, code in cases:
            out = run("ods-rpc-sync", args)
            self.assertEqual(out.returncode, code, f"{args}: {out.stderr.decode()}")
            self.assertIn(b"ods-rpc-sync: error:", out.stderr)


class QueueSyncTest(SyncTestBase, DaemonTestCase):
    def make_transport(self):
        return QueueTransport(self)

    def test_the_queuenode_restarting_during_churn_loses_nothing_for_good(self):
        for i in range(3):
            self.start_sync(i)
        self.wait_connected(range(3))
        threads = self.churn(range(3), 300, seed=5)
        time.sleep(0.3)
        address = self.transport.node.address
        self.transport.node.stop()
        time.sleep(0.5)
        self.transport.node = self.start("queuenode", ["--listen", address, "--data-dir",
                                                       self.path("queue"), "--stats-log", ""])
        for t in threads:
            t.join(120)
        self.check_outcome(range(3))


if __name__ == "__main__":
    main()
