"""scripts/bench ods-rpc-sync: propagation latency and sustained rate of ods-rpc-sync, through
queuenode and through RabbitMQ in the same run.

Three ods-rpc-sync nodes on loopback. A writer changes flags on node 0 the way ods-rpc does
(open, write, close), each change a new value; a watcher process per other directory sees each
change arrive through inotify (the rename of the applied file), apart from the writer so that a
writer running late never delays a sighting. Latency = arrival - the moment before the write,
both on CLOCK_MONOTONIC.
  warm-up: every flag written once first (not measured: files and databases reach their size)
  paced:  --rate changes/s for --seconds (target: p99 < 20 ms queuenode, < 50 ms RabbitMQ at 1000/s)
  burst:  --burst changes as fast as the writer goes; rate = changes / time until the last one
          arrived on both other nodes (sustained changes/s)
Prints one `key=value` line per run and a table of medians; exits 1 when a change never arrived.
Environment: KEEP=1 keeps the work directory (the nodes' logs), LOG_LEVEL=debug makes the
nodes log every batch they persist with its size and time."""

import argparse
import ctypes
import ctypes.util
import multiprocessing
import os
import select
import shutil
import statistics
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
import harness  # noqa: E402

IN_CLOSE_WRITE, IN_MOVED_TO = 0x8, 0x80
libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


class Inotify:
    """inotify on one directory: yields the names of files written or renamed into it."""

    def __init__(self, path):
        self.fd = libc.inotify_init1(os.O_NONBLOCK)
        if self.fd < 0 or libc.inotify_add_watch(self.fd, path.encode(),
                                                 IN_CLOSE_WRITE | IN_MOVED_TO) < 0:
            raise OSError(ctypes.get_errno(), "inotify")

    def names(self):
        try:
            data = os.read(self.fd, 1 << 16)
        except BlockingIOError:
            return []
        out, off = [], 0
        while off < len(data):
            _, _, _, length = struct.unpack_from("iIII", data, off)
            name = data[off + 16:off + 16 + length].rstrip(b"\0").decode()
            off += 16 + length
            out.append(name)
        return out


class Cluster:
    """Three ods-rpc-sync nodes over one transport, in a temporary directory."""

    def __init__(self, workdir, transport_args):
        self.workdir = workdir
        self.daemons = []
        self.dirs = []
        for i in range(3):
            flags, state = os.path.join(workdir, f"flags{i}"), os.path.join(workdir, f"state{i}")
            os.makedirs(flags)
            os.makedirs(state)
            self.dirs.append(flags)
            self.daemons.append(harness.Daemon(
                "ods-rpc-sync", ["--dir", flags, "--node-id", f"n{i}", "--state-dir", state,
                                 "--stats-log", "", "--log-level",
                                 os.environ.get("LOG_LEVEL", "info")] + transport_args, workdir,
                ready_pattern=r"ready (\S+)$", timeout=60))
        for i in range(3):
            harness.wait_for(lambda: self.connected(i), timeout=60, what=f"n{i} connected")

    def connected(self, i):
        out = harness.run("ods-rpc-sync", ["status", "--state-dir",
                                           os.path.join(self.workdir, f"state{i}")])
        return b"\nconnected:1\n" in out.stdout

    def stop(self):
        for d in self.daemons:
            d.stop()


def watch(flag_dir, tag, conn):
    """A watcher process: timestamps (CLOCK_MONOTONIC, shared by every process) the first sight
    of each value "<tag>-<n>" in flag_dir until the parent sends the values it waits for, then until
    it has seen them (or its deadline), and sends back {n: time}. Apart from the writer, so that
    a writer running late never delays a sighting."""
    w = Inotify(flag_dir)
    seen, last, deadline = {}, None, None
    while True:
        if conn.poll():
            last, deadline = conn.recv()
        if last is not None and (last <= seen.keys() or time.monotonic() > deadline):
            conn.send(seen)
            return
        r, _, _ = select.select([w.fd], [], [], 0.05)
        if not r:
            continue
        now = time.monotonic()
        names = w.names()
        if "" in names:  # the event queue overflowed: look at every file
            names = os.listdir(flag_dir)
        for name in set(names):
            try:
                with open(os.path.join(flag_dir, name)) as f:
                    value = f.read().strip()
            except (FileNotFoundError, IsADirectoryError):
                continue
            if value.startswith(tag) and value[len(tag):].isdigit():
                seen.setdefault(int(value[len(tag):]), now)


def run_load(cluster, count, rate, names, deadline_s=120):
    """Writes count changes on node 0 (rate per second, 0: flat out), change n setting flag
    names[n % len(names)] to "<run>-<n>"; returns the latencies (s) of the arrivals on nodes 1 and 2,
    the time from the first write to the last arrival, and how many never arrived. A value seen
    stands for the older values of its flag not seen (a node may apply two changes of a flag in
    one batch: one rename)."""
    ctx = multiprocessing.get_context("fork")
    tag = f"{os.urandom(4).hex()}-"  # this run's values only
    pipes, procs = [], []
    for d in cluster.dirs[1:]:
        parent, child = ctx.Pipe()
        procs.append(ctx.Process(target=watch, args=(d, tag, child), daemon=True))
        pipes.append(parent)
    for p in procs:
        p.start()
    time.sleep(0.2)  # the watches are in place
    sent = []
    start = time.monotonic()
    deadline = start + deadline_s
    for n in range(count):
        if time.monotonic() > deadline:
            break
        if rate:
            wait = start + n / rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        sent.append(time.monotonic())
        with open(os.path.join(cluster.dirs[0], names[n % len(names)]), "w") as f:
            f.write(f"{tag}{n}\n")
    last = set(range(max(0, len(sent) - len(names)), len(sent)))  # each flag's last value
    for conn in pipes:
        conn.send((last, deadline))
    lat, end, missing = [], start, 0
    for conn, p in zip(pipes, procs):
        seen = conn.recv()
        p.join()
        arrival = {}  # n -> when it (or a newer value of its flag) was first seen
        for n in sorted(seen, reverse=True):
            arrival[n] = seen[n]
        newest = {}  # flag index -> earliest sighting of a value >= n
        for n in range(len(sent) - 1, -1, -1):
            k = n % len(names)
            if n in arrival:
                newest[k] = min(arrival[n], newest.get(k, arrival[n]))
            if k in newest:
                lat.append(newest[k] - sent[n])
                end = max(end, newest[k])
            else:
                missing += 1
    return lat, end - start, missing


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


def bench(name, cluster, args, rounds):
    names = [f"zone{i}.example.signed" for i in range(args.names)]
    # Warm-up, not measured: every flag is created once (a first write creates the file, and
    # the state database and its log grow to their working size), as on a node that has run
    # for a while; the rounds then measure the steady state.
    _, _, missing = run_load(cluster, len(names), args.rate, names)
    print(f"transport={name} run=warm-up changes={len(names)} missing={missing}", flush=True)
    results = []
    for r in range(rounds):
        lat, _, missing = run_load(cluster, int(args.rate * args.seconds), args.rate, names)
        p50, p99 = quantile(lat, 0.5) * 1e3, quantile(lat, 0.99) * 1e3
        print(f"transport={name} run=paced round={r} rate={args.rate} changes="
              f"{int(args.rate * args.seconds)} p50_ms={p50:.2f} p99_ms={p99:.2f} "
              f"max_ms={max(lat) * 1e3:.2f} missing={missing}", flush=True)
        lat_b, span, missing_b = run_load(cluster, args.burst, 0, names)
        rate = args.burst / span if span > 0 else 0
        print(f"transport={name} run=burst round={r} changes={args.burst} changes_per_s={rate:.0f} "
              f"p50_ms={quantile(lat_b, 0.5) * 1e3:.2f} p99_ms={quantile(lat_b, 0.99) * 1e3:.2f} "
              f"missing={missing_b}", flush=True)
        results.append((p50, p99, rate, missing + missing_b))
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rate", type=float, default=1000)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--burst", type=int, default=20000)
    ap.add_argument("--names", type=int, default=1000, help="distinct flags written in turn")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", choices=["queuenode", "rabbitmq"])
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="shoal-bench-ods-")
    table, failed = [], False
    try:
        if args.only != "rabbitmq":
            os.makedirs(os.path.join(work, "q"))
            q = harness.Daemon("queuenode", ["--listen", "127.0.0.1:0", "--data-dir",
                                             os.path.join(work, "q"), "--stats-log", ""], work)
            c = Cluster(os.path.join(work, "viaq"), ["--queue", q.address])
            table.append(("queuenode", 20, bench("queuenode", c, args, args.rounds)))
            c.stop()
            q.stop()
        if args.only != "queuenode":
            try:
                mq = harness.RabbitMQ(os.path.join(work, "mq"))
            except Exception as e:  # unittest.SkipTest or a start failure: say so, go on
                print(f"rabbitmq: not measured: {e}", flush=True)
                mq = None
            if mq:
                c = Cluster(os.path.join(work, "viamq"), ["--amqp", mq.url])
                table.append(("rabbitmq", 50, bench("rabbitmq", c, args, args.rounds)))
                c.stop()
                mq.stop()
    finally:
        if not os.environ.get("KEEP"):
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"medians of {args.rounds} rounds; paced: {args.rate:.0f} changes/s for {args.seconds:.0f} s "
          f"over {args.names} flags; burst: {args.burst} changes flat out")
    print(f"{'transport':10} {'p50 ms':>8} {'p99 ms':>8} {'changes/s':>10} {'missing':>8}  target")
    for name, target, res in table:
        p50 = statistics.median(r[0] for r in res)
        p99 = statistics.median(r[1] for r in res)
        rate = statistics.median(r[2] for r in res)
        missing = sum(r[3] for r in res)
        verdict = "met" if p99 < target and not missing else "MISSED"
        failed = failed or missing > 0
        print(f"{name:10} {p50:8.2f} {p99:8.2f} {rate:10.0f} {missing:8d}  p99 < {target} ms: {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
