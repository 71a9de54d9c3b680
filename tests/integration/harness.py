"""Integration harness: start shoal's real binaries in a fresh temporary directory, wait for
their `listening HOST:PORT` line with a deadline, stop them with SIGTERM and check the exit
status and stderr (sanitizer reports fail the test). Every wait has a timeout."""

import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

BIN = os.environ.get("SHOAL_BIN", os.path.join(os.path.dirname(__file__), "../../build/release/bin"))
SOURCE = os.environ.get("SHOAL_SOURCE", os.path.join(os.path.dirname(__file__), "../.."))
SANITIZER_MARKS = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer")


def binary(name):
    path = os.path.join(BIN, name)
    if not os.access(path, os.X_OK):
        raise unittest.SkipTest(f"{path} not built")
    return path


class Daemon:
    """A running daemon; its stderr goes to a file so that a chatty daemon never blocks."""

    ready_pattern = r"listening (\S+)$"  # the line that says it is ready; its group, the address

    def __init__(self, name, args, workdir, env=None, ready=True, timeout=30, preexec_fn=None,
                 ready_pattern=None):
        self.name = name
        self.args = [binary(name)] + list(args)
        self.workdir = workdir
        self.stderr_path = os.path.join(workdir, f"{name}-{time.monotonic_ns()}.stderr")
        self.stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.args, cwd=workdir, stdout=subprocess.PIPE,
                                     stderr=self.stderr_file, env=env, preexec_fn=preexec_fn)
        self.address = None
        self.stdout_lines = []
        if ready_pattern:
            self.ready_pattern = ready_pattern
        if ready:
            self.address = self.wait_listening(timeout)

    @property
    def host(self):
        return self.address.rsplit(":", 1)[0]

    @property
    def port(self):
        return int(self.address.rsplit(":", 1)[1])

    def wait_listening(self, timeout):
        deadline = time.monotonic() + timeout
        buf = b""
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buf += chunk
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    text = line.decode(errors="replace")
                    self.stdout_lines.append(text)
                    m = re.match(self.ready_pattern, text)
                    if m:
                        return m.group(1)
            if self.proc.poll() is not None and not r:
                break
        raise AssertionError(f"{self.name} did not print '{self.ready_pattern}' within {timeout}s "
                             f"(exit {self.proc.poll()}); stderr:\n{self.stderr()}")

    def stderr(self):
        if not self.stderr_file.closed:
            self.stderr_file.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def check_clean(self):
        text = self.stderr()
        for mark in SANITIZER_MARKS:
            if mark in text:
                raise AssertionError(f"{self.name} reported a sanitizer error:\n{text}")

    def stop(self, sig=signal.SIGTERM, timeout=60, expect=0):
        """Sends sig and waits; asserts the exit status (None skips the check)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.name} did not exit within {timeout}s after {sig}")
        self.stderr_file.close()
        self.proc.stdout.close()
        if sig != signal.SIGKILL:
            self.check_clean()
        if expect is not None and code != expect:
            raise AssertionError(f"{self.name} exited {code}, expected {expect}; stderr:\n{self.stderr()}")
        return code

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.stderr_file.close()
        if not self.proc.stdout.closed:
            self.proc.stdout.close()

    def alive(self):
        return self.proc.poll() is None


def run(name, args, input=None, timeout=120, cwd=None, check=None):
    """Runs a CLI to completion; returns CompletedProcess (stdout/stderr as bytes)."""
    result = subprocess.run([binary(name)] + list(args), input=input, capture_output=True,
                            timeout=timeout, cwd=cwd)
    err = result.stderr.decode(errors="replace")
    for mark in SANITIZER_MARKS:
        if mark in err:
            raise AssertionError(f"{name} reported a sanitizer error:\n{err}")
    if check is not None and result.returncode != check:
        raise AssertionError(f"{name} {' '.join(args)} exited {result.returncode}, expected "
                             f"{check}; stderr:\n{err}")
    return result


def wait_for(predicate, timeout=30, interval=0.05, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class DaemonTestCase(unittest.TestCase):
    """A test case with a fresh temporary directory and daemons stopped at the end."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="shoal-it-")
        self.daemons = []

    def tearDown(self):
        for d in self.daemons:
            d.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def start(self, name, args, **kw):
        d = Daemon(name, args, self.dir, **kw)
        self.daemons.append(d)
        return d


def main():
    unittest.main(verbosity=2)


def free_port():
    """A TCP port on 127.0.0.1 nobody listens on now (for servers that cannot take port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def make_test_pki(directory):
    """A throw-away CA and, signed by it, a server certificate for localhost (only: 127.0.0.1
    is not in it, so a client checking host names refuses it under that name) and a client
    certificate; plus an unrelated CA (to see verification fail). Returns the paths:
    ca, server_cert, server_key, client_cert, client_key, other_ca (PEM files)."""
    os.makedirs(directory, exist_ok=True)
    p = {k: os.path.join(directory, f) for k, f in (
        ("ca", "ca.pem"), ("ca_key", "ca.key"), ("server_cert", "server.pem"),
        ("server_key", "server.key"), ("client_cert", "client.pem"), ("client_key", "client.key"),
        ("other_ca", "other-ca.pem"), ("other_ca_key", "other-ca.key"))}
    ext = os.path.join(directory, "server.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=DNS:localhost\n")
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]

    def ssl(*args):
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=30)

    for ca, ca_key, cn in (("ca", "ca_key", "shoal test CA"), ("other_ca", "other_ca_key", "other")):
        ssl("req", "-x509", *key, "-keyout", p[ca_key], "-out", p[ca], "-days", "2",
            "-subj", f"/CN={cn}")
    for who, cn, extra in (("server", "localhost", ["-extfile", ext]), ("client", "client", [])):
        csr = os.path.join(directory, f"{who}.csr")
        ssl("req", *key, "-keyout", p[f"{who}_key"], "-out", csr, "-subj", f"/CN={cn}")
        ssl("x509", "-req", "-in", csr, "-CA", p["ca"], "-CAkey", p["ca_key"], "-CAcreateserial",
            "-out", p[f"{who}_cert"], "-days", "2", *extra)
    return p


class RabbitMQ:
    """A private rabbitmq-server for one test (anchors.md "Starting RabbitMQ by hand"): its own
    epmd, node name, ports, data and log directories under workdir, listening on 127.0.0.1 only.

        mq = RabbitMQ(self.dir)     # SkipTest if rabbitmq-server is missing or cannot start
        mq.url                      # amqp://guest:guest@127.0.0.1:PORT/
        RabbitMQ(dir, tls=True)     # also an amqps listener that wants a client certificate:
        mq.tls_url, mq.pki          # amqps://guest:guest@localhost:PORT/, make_test_pki's files
        mq.restart()                # same port and data: durable queues and messages survive
        mq.stop_node(); mq.start()  # the same in two steps (do things while it is down)
        mq.kill_node()              # SIGKILL (a crash); mq.pause() / mq.resume(): SIGSTOP/CONT
        mq.queue_counts()           # {queue: (ready, unacked)} through rabbitmqctl
        mq.message_count("q")       # ready messages of one queue, through pika (fast)
        mq.stop()                   # SIGTERM to beam.smp, then epmd; safe to call twice
    """

    SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
    CTL = "/usr/lib/rabbitmq/bin/rabbitmqctl"
    START_TIMEOUT = 60

    def __init__(self, workdir, name="rabbit", tls=False):
        if not os.access(self.SERVER, os.X_OK) or not shutil.which("epmd"):
            raise unittest.SkipTest("rabbitmq-server is not installed (scripts/setup installs it)")
        self.base = os.path.join(workdir, f"rabbitmq-{name}")
        os.makedirs(self.base, exist_ok=True)
        self.port = free_port()
        self.dist_port = free_port()
        self.epmd_port = free_port()
        self.tls_port = free_port() if tls else None
        try:
            self.pki = make_test_pki(os.path.join(self.base, "pki")) if tls else None
        except (OSError, subprocess.SubprocessError) as e:
            raise unittest.SkipTest(f"cannot make test certificates with openssl: {e}")
        self.env = self._environment(f"{name}-{self.port}@localhost")
        self.epmd = None
        self.proc = None
        self.beam_pid = None
        try:
            self.start()
        except AssertionError as e:
            self.stop()
            raise unittest.SkipTest(f"rabbitmq-server could not start: {e}")

    @property
    def url(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def tls_url(self):
        """The TLS listener by the name its certificate carries (tls=True only)."""
        return f"amqps://guest:guest@localhost:{self.tls_port}/"

    def _environment(self, nodename):
        conf = os.path.join(self.base, "rabbitmq.conf")
        with open(conf, "w") as f:
            f.write("log.console = false\nlog.file.level = info\n")
            if self.tls_port:
                f.write(f"listeners.ssl.1 = 127.0.0.1:{self.tls_port}\n"
                        f"ssl_options.cacertfile = {self.pki['ca']}\n"
                        f"ssl_options.certfile = {self.pki['server_cert']}\n"
                        f"ssl_options.keyfile = {self.pki['server_key']}\n"
                        "ssl_options.verify = verify_peer\n"
                        "ssl_options.fail_if_no_peer_cert = true\n")
        plugins = os.path.join(self.base, "enabled_plugins")
        with open(plugins, "w") as f:
            f.write("[].\n")
        env_file = os.path.join(self.base, "rabbitmq-env.conf")
        open(env_file, "w").close()  # not /etc/rabbitmq/rabbitmq-env.conf
        env = {k: v for k, v in os.environ.items() if not k.startswith("RABBITMQ_")}
        env.update({
            "HOME": self.base, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "RABBITMQ_NODENAME": nodename, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
            "RABBITMQ_NODE_PORT": str(self.port), "RABBITMQ_DIST_PORT": str(self.dist_port),
            "RABBITMQ_MNESIA_BASE": os.path.join(self.base, "mnesia"),
            "RABBITMQ_LOG_BASE": os.path.join(self.base, "log"),
            "RABBITMQ_CONFIG_FILE": conf, "RABBITMQ_ENABLED_PLUGINS_FILE": plugins,
            "RABBITMQ_CONF_ENV_FILE": env_file,
            "RABBITMQ_PID_FILE": os.path.join(self.base, "rabbitmq.pid"),
            "ERL_EPMD_ADDRESS": "127.0.0.1", "ERL_EPMD_PORT": str(self.epmd_port),
        })
        return env

    def start(self, timeout=START_TIMEOUT):
        """Starts epmd (if needed) and the node; returns once the AMQP port accepts."""
        deadline = time.monotonic() + timeout
        if self.epmd is None or self.epmd.poll() is not None:
            self.epmd = subprocess.Popen(["epmd", "-address", "127.0.0.1", "-port",
                                          str(self.epmd_port)], env=self.env,
                                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
        log = open(os.path.join(self.base, "server.out"), "ab")
        self.proc = subprocess.Popen([self.SERVER], env=self.env, cwd=self.base,
                                     stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     start_new_session=True)
        log.close()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"rabbitmq-server exited {self.proc.returncode}:\n"
                                     f"{self.log_tail()}")
            if port_open(self.port) and (not self.tls_port or port_open(self.tls_port)):
                self.beam_pid = self._find_beam()
                return
            time.sleep(0.1)
        raise AssertionError(f"the AMQP port {self.port} did not open within {timeout}s:\n"
                             f"{self.log_tail()}")

    def _find_beam(self):
        """The beam.smp under the wrapper script (the script forwards SIGTERM, but the Erlang VM
        is what must stop); the script's own pid if it exec'd the VM."""
        pids = [self.proc.pid]
        for _ in range(3):  # sh -> (sh ->) beam.smp
            for pid in pids:
                try:
                    with open(f"/proc/{pid}/comm") as f:
                        if f.read().strip().startswith("beam"):
                            return pid
                    with open(f"/proc/{pid}/task/{pid}/children") as f:
                        pids = [int(p) for p in f.read().split()] or pids
                except OSError:
                    continue
        return None

    def log_tail(self, lines=30):
        out = []
        for root, _, files in os.walk(self.base):
            for name in files:
                if name.endswith(".log") or name == "server.out":
                    with open(os.path.join(root, name), errors="replace") as f:
                        out += f.read().splitlines()[-lines:]
        return "\n".join(out[-lines:])

    def stop_node(self, timeout=60):
        """Stops the node (SIGTERM to beam.smp), keeps epmd and the data directory."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            target = self.beam_pid or self.proc.pid
            try:
                os.kill(target, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.proc = None
        self.beam_pid = None

    def kill_node(self, timeout=30):
        """SIGKILL to beam.smp: a crash, no orderly shutdown (start() brings it back)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.beam_pid or self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout)
        self.proc = None
        self.beam_pid = None

    def stop(self):
        """Stops the node and epmd. Safe to call more than once."""
        self.stop_node()
        if self.epmd is not None:
            if self.epmd.poll() is None:
                self.epmd.kill()
            self.epmd.wait(10)
            self.epmd = None

    def restart(self):
        """Stops the node and starts it again on the same port with the same data."""
        self.stop_node()
        self.start()

    def pause(self):
        """SIGSTOP to the VM: a broker that hangs (its connections stay open, silent)."""
        os.kill(self.beam_pid, signal.SIGSTOP)

    def resume(self):
        os.kill(self.beam_pid, signal.SIGCONT)

    def ctl(self, *args, timeout=60):
        """Runs rabbitmqctl against this node; returns its stdout (raises on failure)."""
        result = subprocess.run([self.CTL, "-q", *args], env=self.env, capture_output=True,
                                timeout=timeout)
        if result.returncode != 0:
            raise AssertionError(f"rabbitmqctl {' '.join(args)} exited {result.returncode}:\n"
                                 f"{result.stderr.decode(errors='replace')}")
        return result.stdout.decode()

    def queue_counts(self):
        """{queue name: (ready, unacknowledged)} of every queue."""
        out = self.ctl("list_queues", "--no-table-headers", "name", "messages_ready",
                       "messages_unacknowledged")
        counts = {}
        for line in out.splitlines():
            parts = line.split("\t")
            if len(parts) == 3:
                counts[parts[0]] = (int(parts[1]), int(parts[2]))
        return counts

    def message_count(self, queue):
        """Ready messages in queue (pika, passive declare); None if it does not exist."""
        import pika  # only the broker tests need it
        params = pika.URLParameters(self.url)
        conn = pika.BlockingConnection(params)
        try:
            ch = conn.channel()
            try:
                return ch.queue_declare(queue, passive=True).method.message_count
            except pika.exceptions.ChannelClosedByBroker:
                return None
        finally:
            if conn.is_open:
                conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
