"""dht-backup: compressed, rotated backups of a node's dumps that a node can be restored from."""

import os
import subprocess

import harness
import swarm
from swarm import OK


class DhtBackupTest(harness.DaemonTestCase):
    def backup(self, *args, check=0):
        script = os.path.join(harness.SOURCE, "scripts", "dht-backup")
        r = subprocess.run([script] + list(args), capture_output=True, timeout=60)
        self.assertEqual(r.returncode, check, r.stderr)
        return r.stdout.decode()

    def node(self):
        return self.start("dhtnode", ["--listen", "127.0.0.1:0", "--data-dir", self.path("data"),
                                      "--stats-log", ""])

    def test_backup_rotate_restore(self):
        node = self.node()
        c = swarm.Client(node.host, node.port)
        records = [(k, b"value-%d" % k) for k in range(5000)]
        self.assertEqual(c.put_batches("ch", records), OK)
        c.close()
        node.stop()
        for _ in range(3):
            self.backup("backup", self.path("data"), self.path("backups"), "2")
        names = self.backup("list", self.path("backups")).split()
        self.assertEqual(len(names), 2)  # rotated down to KEEP
        self.assertTrue(os.path.exists(self.path("backups", names[0], "ch.tcm.gz")))
        # Lose the data, restore the newest backup, and the node has every record again.
        os.remove(self.path("data", "ch.tcm"))
        self.backup("restore", self.path("backups"), names[0], self.path("data"))
        node = self.node()
        c = swarm.Client(node.host, node.port)
        st, got = c.get_all("ch")
        self.assertEqual(sorted(got), records)
        c.close()
        node.stop()

    def test_bad_usage(self):
        self.backup("backup", self.path("nothere"), self.path("b"), check=66)
        os.makedirs(self.path("data"))
        self.backup("backup", self.path("data"), self.path("b"), "0", check=64)
        self.backup("restore", self.path("b"), "20990101T000000Z", self.path("data"), check=66)
        self.backup("frobnicate", check=64)


if __name__ == "__main__":
    harness.main()
