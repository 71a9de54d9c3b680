"""Integration harness: start shoal's real binaries in a fresh temporary directory, wait for
their `listening HOST:PORT` line with a deadline, stop them with SIGTERM and check the exit
status and stderr (sanitizer reports fail the test). Every wait has a timeout."""

import os
import re
import select
import shutil
import signal
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

    def __init__(self, name, args, workdir, env=None, ready=True, timeout=30, preexec_fn=None,
                 ready_pattern=r"listening (\S+)$"):
        self.name = name
        self.args = [binary(name)] + list(args)
        self.workdir = workdir
        self.stderr_path = os.path.join(workdir, f"{name}-{time.monotonic_ns()}.stderr")
        self.stderr_file = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(self.args, cwd=workdir, stdout=subprocess.PIPE,
                                     stderr=self.stderr_file, env=env, preexec_fn=preexec_fn)
        self.address = None
        self.stdout_lines = []
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
