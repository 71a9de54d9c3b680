"""ods-rpc-sync's RabbitMQ transport (AmqpTransport) against a real rabbitmq-server, driven by
ods-amqp-probe: fanout to every node, redelivery of unacknowledged messages after a broker
restart (and acks of an older connection ignored), rejected messages dead-lettered, publishes
made while the broker is down delivered after it returns (and the bounded buffer dropping the
oldest), nothing confirmed lost when the broker is killed, a hung broker noticed through
heartbeats, the credentials file, and TLS (server verification and client certificates).
Skipped with a message where rabbitmq-server is not installed or cannot start."""

import os
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import harness

# Module-wide brokers: a cold start costs ~10 s. Every test uses its own exchange and node
# names, so tests do not see each other's messages.
BROKER = None
WORKDIR = None


def setUpModule():
    global BROKER, WORKDIR
    harness.binary("ods-amqp-probe")  # SkipTest when not built
    WORKDIR = tempfile.mkdtemp(prefix="shoal-amqp-")
    BROKER = harness.RabbitMQ(WORKDIR, tls=True)


def tearDownModule():
    if BROKER is not None:
        BROKER.stop()
    if WORKDIR is not None:
        shutil.rmtree(WORKDIR, ignore_errors=True)


class Probe:
    """One ods-amqp-probe process: commands in on stdin, lines out through a reader thread."""

    def __init__(self, name, url, node, *args, workdir):
        self.name = name
        self.stderr_path = os.path.join(workdir, f"probe-{name}-{time.monotonic_ns()}.stderr")
        self.stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [harness.binary("ods-amqp-probe"), "--url", url, "--node-id", node, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr_file, text=True,
            bufsize=1)
        self.lines = queue.Queue()
        self.seen = []  # every line so far
        self.messages = []  # (tag, body) in arrival order
        threading.Thread(target=self._read, daemon=True).start()
        self.description = self.expect(r"describe (\S+)").group(1)

    def _read(self):
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _next(self, deadline):
        try:
            line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            return ""
        if line is None:
            raise AssertionError(f"probe {self.name} exited {self.proc.wait()}:\n{self.stderr()}")
        self.seen.append(line)
        m = re.match(r"message (\d+) (.*)$", line)
        if m:
            self.messages.append((int(m.group(1)), m.group(2)))
        return line

    def expect(self, pattern, timeout=30):
        """Reads lines until one matches pattern (a regex); returns the match."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._next(deadline)
            m = re.match(pattern, line) if line else None
            if m:
                return m
        raise AssertionError(f"probe {self.name}: no line matching {pattern!r} within "
                             f"{timeout}s; last lines {self.seen[-5:]}\n{self.stderr()}")

    def pump(self, timeout=0.0):
        """Takes in what the probe has printed (waiting up to timeout for the first line)."""
        deadline = time.monotonic() + timeout
        while self._next(deadline):
            deadline = 0

    def wait_messages(self, count, timeout=30):
        """Reads until count messages have arrived; returns their bodies."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            self._next(deadline)
        if len(self.messages) < count:
            raise AssertionError(f"probe {self.name}: {len(self.messages)} of {count} "
                                 f"messages within {timeout}s\n{self.stderr()}")
        return [body for _, body in self.messages]

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def stats(self):
        self.send("stats")
        m = self.expect(r"stats (.*)$")
        return {k: int(v) for k, v in (kv.split("=") for kv in m.group(1).split())}

    def wait_stats(self, predicate, timeout=30, what="stats"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            s = self.stats()
            if predicate(s):
                return s
            time.sleep(0.1)
        raise AssertionError(f"probe {self.name}: {what} not reached within {timeout}s: {s}")

    def stderr(self):
        if not self.stderr_file.closed:
            self.stderr_file.flush()
        with open(self.stderr_path, errors="replace") as f:
            return f.read()

    def quit(self, timeout=30):
        """Closes stdin; the probe stops the transport, prints its stats and exits 0."""
        if self.proc.poll() is None:
            self.proc.stdin.close()
        code = self.proc.wait(timeout)
        self.stderr_file.close()
        for mark in harness.SANITIZER_MARKS:
            if mark in self.stderr():
                raise AssertionError(f"probe {self.name}: sanitizer report:\n{self.stderr()}")
        if code != 0:
            raise AssertionError(f"probe {self.name} exited {code}:\n{self.stderr()}")
        while (line := self.lines.get(timeout=10)) is not None:  # the reader ends with None
            self.seen.append(line)
        last = [line for line in self.seen if line.startswith("stats ")][-1]
        return {k: int(v) for k, v in (kv.split("=") for kv in last[6:].split())}

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        if not self.stderr_file.closed:
            self.stderr_file.close()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class AmqpTransportTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shoal-amqp-test-")
        self.probes = []
        self.exchange = "t." + self._testMethodName
        self.prefix = self._testMethodName[5:45]  # node ids hold at most 64 characters

    def tearDown(self):
        for p in self.probes:
            p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
        if BROKER.proc is None:  # a test that failed while the broker was down
            BROKER.start()

    def probe(self, node, *args, url=None, connect=True):
        p = Probe(node, url or BROKER.url, f"{self.prefix}.{node}",
                  "--exchange", self.exchange, *args, workdir=self.dir)
        self.probes.append(p)
        if connect:
            p.expect("connected$")
        return p

    def queue_name(self, node, dead=False):
        return ("ods-rpc.dead." if dead else "ods-rpc.") + f"{self.prefix}.{node}"

    def test_fanout_reaches_every_node_in_order(self):
        a, b, c = (self.probe(n, "--auto-ack") for n in "abc")
        self.assertEqual(a.description, f"amqp://127.0.0.1:{BROKER.port}/")
        a.send("publish-many 300 a")
        expected = [f"a-{i}" for i in range(300)]
        for p in (a, b, c):  # the publisher's own queue is bound too
            self.assertEqual(p.wait_messages(300), expected)
        s = a.wait_stats(lambda s: s["confirmed"] == 300)
        self.assertEqual((s["published"], s["republished"], s["dropped"]), (300, 0, 0))
        tags = [t for t, _ in b.messages]
        self.assertEqual(len(set(tags)), 300)
        for p in (a, b, c):
            final = p.quit()
            self.assertEqual((final["received"], final["connects"]), (300, 1))
        counts = BROKER.queue_counts()
        for n in "abc":  # acknowledged: nothing left, nothing dead-lettered
            self.assertEqual(counts[self.queue_name(n)], (0, 0))
            self.assertEqual(counts[self.queue_name(n, dead=True)], (0, 0))

    def test_unacked_messages_come_back_after_a_broker_restart(self):
        a = self.probe("a", "--auto-ack")
        b = self.probe("b")  # acks by hand
        a.send("publish-many 10 m")
        self.assertEqual(b.wait_messages(10), [f"m-{i}" for i in range(10)])
        old_tags = [t for t, _ in b.messages]
        for t in old_tags[:4]:
            b.send(f"ack {t}")
        harness.wait_for(lambda: BROKER.queue_counts()[self.queue_name("b")] == (0, 6),
                         timeout=30, what="4 of 10 acknowledged")
        a.wait_stats(lambda s: s["confirmed"] == 10)
        BROKER.restart()
        for p in (a, b):
            p.expect("disconnected .+")
            p.expect("connected$", timeout=60)
        b.messages.clear()
        self.assertEqual(b.wait_messages(6), [f"m-{i}" for i in range(4, 10)])
        new_tags = [t for t, _ in b.messages]
        self.assertFalse(set(new_tags) & set(old_tags))
        # Acks of the old connection's tags are ignored: old_tags[9] names broker tag 10 of the
        # old channel; the new channel has no 10, but old_tags[5] (tag 6) would hit m-9 here.
        for t in old_tags:
            b.send(f"ack {t}")
        b.stats()  # the acks have been handed over before this answer
        time.sleep(0.5)
        self.assertEqual(BROKER.queue_counts()[self.queue_name("b")], (0, 6))
        for t in new_tags:
            b.send(f"ack {t}")
        harness.wait_for(lambda: BROKER.queue_counts()[self.queue_name("b")] == (0, 0),
                         timeout=30, what="all acknowledged")
        self.assertEqual(b.quit()["connects"], 2)

    def test_rejected_messages_go_to_the_nodes_dead_letter_queue(self):
        a, b = self.probe("a", "--auto-ack"), self.probe("b", "--auto-ack")
        for body in ("good-1", "reject this", "good-2"):
            a.send(f"publish {body}")
        for p in (a, b):
            self.assertEqual(p.wait_messages(3), ["good-1", "reject this", "good-2"])
            p.wait_stats(lambda s: s["dead_lettered"] == 1)
        harness.wait_for(lambda: BROKER.message_count(self.queue_name("b", dead=True)) == 1,
                         timeout=30, what="b's dead letter")
        counts = BROKER.queue_counts()
        self.assertEqual(counts[self.queue_name("a", dead=True)], (1, 0))  # one each, not two
        self.assertEqual(counts[self.queue_name("a")], (0, 0))
        self.assertEqual(counts[self.queue_name("b")], (0, 0))
        import pika
        conn = pika.BlockingConnection(pika.URLParameters(BROKER.url))
        try:
            method, props, body = conn.channel().basic_get(self.queue_name("b", dead=True))
        finally:
            conn.close()
        self.assertEqual(body, b"reject this")
        self.assertEqual((props.app_id, props.delivery_mode, props.content_type),
                         (f"{self.prefix}.a", 2, "text/plain"))
        self.assertAlmostEqual(props.timestamp, time.time(), delta=120)
        self.assertEqual(props.headers["x-death"][0]["reason"], "rejected")

    def test_publishes_while_the_broker_is_down_arrive_after_it_returns(self):
        a = self.probe("a", "--auto-ack")
        b = self.probe("b", "--auto-ack")
        c = self.probe("c", "--auto-ack", "--buffer-limit", "5")
        BROKER.stop_node()
        for p in (a, b, c):
            p.expect("disconnected .+")
        a.send("publish-many 20 a")
        c.send("publish-many 8 c")  # 3 fall out of c's buffer of 5
        s = c.stats()
        self.assertEqual((s["published"], s["dropped"], s["confirmed"], s["connected"]),
                         (8, 3, 0, 0))
        self.assertEqual(a.wait_stats(lambda s: s["connect_failures"] >= 2)["connected"], 0)
        BROKER.start()
        for p in (a, b, c):
            p.expect("connected$", timeout=60)
        bodies = b.wait_messages(25)
        self.assertEqual([x for x in bodies if x.startswith("a-")], [f"a-{i}" for i in range(20)])
        self.assertEqual([x for x in bodies if x.startswith("c-")], [f"c-{i}" for i in range(3, 8)])
        self.assertEqual(a.wait_stats(lambda s: s["confirmed"] == 20)["connects"], 2)
        self.assertEqual(c.wait_stats(lambda s: s["confirmed"] == 5)["dropped"], 3)

    def test_nothing_confirmed_is_lost_when_the_broker_is_killed(self):
        a = self.probe("a", "--auto-ack")
        b = self.probe("b", "--auto-ack")
        n = 20000
        a.send(f"publish-many {n} k")
        before = a.wait_stats(lambda s: s["confirmed"] > 0)["confirmed"]
        BROKER.kill_node()  # no orderly shutdown, in mid-stream
        a.expect("disconnected .+")
        BROKER.start()
        a.expect("connected$", timeout=60)
        s = a.wait_stats(lambda s: s["confirmed"] == n, timeout=60, what="all confirmed")
        self.assertLess(before, n, "the kill came too late to test anything")
        self.assertGreater(s["republished"], 0)
        self.assertLessEqual(s["republished"], n - before)  # a confirmed one is never resent
        # Every message reaches b at least once (before or after the kill, maybe twice): what
        # was confirmed before the kill was on disk, the rest was published again.
        harness.wait_for(lambda: (b.pump(0.2), len({m for _, m in b.messages}) >= n)[1],
                         timeout=60, what=f"b holding all {n} messages")
        self.assertEqual({m for _, m in b.messages}, {f"k-{i}" for i in range(n)})
        print(f"\n  confirmed before the kill: {before}, republished: {s['republished']} of {n}",
              flush=True)

    def test_a_hung_broker_is_noticed_through_heartbeats(self):
        a = self.probe("a", "--auto-ack", "--heartbeat", "1")
        BROKER.pause()
        try:
            started = time.monotonic()
            m = a.expect("disconnected (.+)", timeout=15)
            self.assertIn("heartbeat", m.group(1))
            self.assertLess(time.monotonic() - started, 6)  # two heartbeats, and a little
        finally:
            BROKER.resume()
        a.expect("connected$", timeout=60)
        a.send("publish after")
        self.assertEqual(a.wait_messages(1), ["after"])

    def test_credentials_file_overrides_the_url(self):
        bad_url = f"amqp://guest:wrong@127.0.0.1:{BROKER.port}/"
        refused = self.probe("refused", url=bad_url, connect=False)
        self.assertNotIn("wrong", refused.description)
        s = refused.wait_stats(lambda s: s["connect_failures"] >= 2)
        self.assertEqual((s["connects"], s["connected"]), (0, 0))
        self.assertIn("ACCESS_REFUSED", refused.stderr())
        creds = os.path.join(self.dir, "creds")
        with open(creds, "w") as f:
            f.write("guest:guest\n")
        ok = self.probe("ok", "--credentials", creds, url=bad_url)
        ok.send("publish hi")
        self.assertEqual(ok.wait_messages(1), ["hi"])
        self.assertEqual(refused.quit()["connects"], 0)

    def test_tls_checks_the_broker_and_shows_a_client_certificate(self):
        pki = BROKER.pki
        client = ["--cert", pki["client_cert"], "--key", pki["client_key"]]
        ok = self.probe("ok", "--auto-ack", "--cacert", pki["ca"], *client, url=BROKER.tls_url)
        self.assertEqual(ok.description, f"amqps://localhost:{BROKER.tls_port}/")
        ok.send("publish over TLS")
        self.assertEqual(ok.wait_messages(1), ["over TLS"])
        wrong_ca = self.probe("wrong-ca", "--cacert", pki["other_ca"], *client,
                              url=BROKER.tls_url, connect=False)
        wrong_host = self.probe("wrong-host", "--cacert", pki["ca"], *client, connect=False,
                                url=f"amqps://guest:guest@127.0.0.1:{BROKER.tls_port}/")
        no_cert = self.probe("no-cert", "--cacert", pki["ca"], url=BROKER.tls_url, connect=False)
        for p in (wrong_ca, wrong_host, no_cert):
            s = p.wait_stats(lambda s: s["connect_failures"] >= 2)
            self.assertEqual(s["connects"], 0, p.stderr())
        self.assertIn("verification failed", wrong_ca.stderr())
        self.assertIn("verification failed", wrong_host.stderr())
        unchecked = self.probe("unchecked", "--no-tls-verify", *client, url=BROKER.tls_url)
        unchecked.send("publish unchecked")
        self.assertEqual(unchecked.wait_messages(1), ["unchecked"])
        self.assertEqual(ok.wait_messages(2), ["over TLS", "unchecked"])
        for p in (wrong_ca, wrong_host, no_cert):
            self.assertEqual(p.quit()["connects"], 0)


if __name__ == "__main__":
    harness.main()
