"""The ods-rpc-sync tests of test_ods_rpc_sync.py through a real RabbitMQ broker (one private
rabbitmq-server for the class; each test has its own exchange and node ids, so their queues
never mix), plus what only a broker has: a restart of the broker during churn, and the
dead-letter queue of refused messages. Skipped, saying why, where rabbitmq-server cannot run."""

import itertools
import os
import tempfile
import shutil
import time

import harness
from harness import DaemonTestCase, main, wait_for
from test_ods_rpc_sync import SyncTestBase, snapshot, write_flag

_seq = itertools.count()


class AmqpTransport:
    """The class's broker, this test's exchange."""

    def __init__(self, test, mq):
        self.test = test
        self.mq = mq
        self.exchange = f"ods-rpc.test{next(_seq)}"

    def args(self):
        return ["--amqp", self.mq.url, "--amqp-exchange", self.exchange]

    def inject(self, body):
        """Publishes body to the cluster's exchange, as some node would."""
        import pika
        params = pika.URLParameters(self.mq.url)
        conn = pika.BlockingConnection(params)
        try:
            ch = conn.channel()
            ch.confirm_delivery()
            ch.basic_publish(self.exchange, "", body.encode(),
                             pika.BasicProperties(delivery_mode=2, app_id="test"))
        finally:
            conn.close()


class AmqpSyncTest(SyncTestBase, DaemonTestCase):
    @classmethod
    def setUpClass(cls):
        cls.mq_dir = tempfile.mkdtemp(prefix="shoal-it-mq-")
        cls.mq = harness.RabbitMQ(cls.mq_dir)  # SkipTest when it cannot run here

    @classmethod
    def tearDownClass(cls):
        cls.mq.stop()
        shutil.rmtree(cls.mq_dir, ignore_errors=True)

    def make_transport(self):
        self.prefix = f"t{next(_seq)}-"
        return AmqpTransport(self, self.mq)

    def node_id(self, i):
        return f"{self.prefix}n{i}"

    def test_the_broker_restarting_during_churn_loses_no_update(self):
        for i in range(3):
            self.start_sync(i)
        self.wait_connected(range(3))
        threads = self.churn(range(3), 300, seed=7)
        time.sleep(0.3)
        self.mq.restart()
        for t in threads:
            t.join(120)
        # A broker slow to come back (a loaded machine) meets the nodes' back-off (up to 30 s,
        # plus the connect and login timeouts): the nodes reconnect first, then converge.
        for i in range(3):
            self.wait_counter(i, "transport/connects", lambda v: v >= 2, ">= 2 (a reconnection)",
                              timeout=120)
        self.wait_connected(range(3), timeout=120)
        self.check_outcome(range(3))
        for i in range(3):
            self.nodes[i].stop()

    def test_refused_messages_land_in_the_dead_letter_queue(self):
        for i in range(2):
            self.start_sync(i)
        self.wait_connected(range(2))
        self.transport.inject("garbage\n")
        self.transport.inject(f"ods-rpc-sync/1 evil {time.time_ns()} SET ../x.example.signed 1\n")
        self.transport.inject(f"ods-rpc-sync/1 fine {time.time_ns()} SET z4.example.signed ok\n")
        for i in range(2):
            wait_for(lambda: "z4.example.signed" in snapshot(self.flag_dir(i)), what="the good one")
            dead = f"ods-rpc.dead.{self.node_id(i)}"
            wait_for(lambda: self.mq.message_count(dead) == 2, timeout=20,
                     what=f"2 messages in {dead}")
            self.wait_counter(i, "transport/dead_lettered", lambda v: v == 2, "== 2")
            self.nodes[i].stop()

    def test_a_full_queue_refusing_updates_stops_nothing(self):
        """The queue of a node that is away reached its length limit (an operator's policy,
        overflow reject-publish): the broker nacks every update, which still reaches the other
        nodes at once; the publisher counts the refusals and neither reconnects nor publishes
        them again, and the node that was away converges when it comes back."""
        for i in range(3):
            self.start_sync(i)
        self.wait_connected(range(3))
        self.nodes[2].stop()  # away: its durable queue stays bound and fills
        away = f"ods-rpc.{self.node_id(2)}"
        self.mq.ctl("set_policy", "--apply-to", "queues", "limit", f"^{away}$",
                    '{"max-length": 1, "overflow": "reject-publish"}')
        wait_for(lambda: "limit" in self.mq.ctl("list_queues", "name", "policy"),
                 what="the policy applied")
        for k in range(5):
            write_flag(self.flag_dir(0), f"z{k}.example.signed", f"v{k}")
        wait_for(lambda: len(snapshot(self.flag_dir(1))) == 5, what="node 1 has the 5 flags")
        self.wait_counter(0, "transport/nacked", lambda v: v >= 4, ">= 4")
        self.assertEqual(self.counter(0, "transport/connects"), 1)
        self.assertEqual(self.counter(0, "transport/republished"), 0)
        self.mq.ctl("clear_policy", "limit")
        self.start_sync(2)
        self.wait_connected([2])
        wait_for(lambda: snapshot(self.flag_dir(2)) == snapshot(self.flag_dir(0)),
                 timeout=30, what="node 2 converged")
        for i in range(3):
            self.nodes[i].stop()

    def test_a_message_of_several_updates_is_applied_and_acknowledged_whole(self):
        """Under load a node sends many update lines in one message: each is applied, and the
        message is acknowledged once all are; one bad line dead-letters the message whole."""
        self.start_sync(0)
        self.wait_connected([0])
        now = time.time_ns()
        self.transport.inject(f"ods-rpc-sync/1 far {now} SET z5.example.signed v1\n"
                              f"ods-rpc-sync/1 far {now + 1} SET z6.example.signing \n"
                              f"ods-rpc-sync/1 far {now + 2} SET z5.example.signed v2\n")
        self.transport.inject(f"ods-rpc-sync/1 far {now + 3} SET z7.example.signed x\n"
                              "garbage\n")
        queue, dead = f"ods-rpc.{self.node_id(0)}", f"ods-rpc.dead.{self.node_id(0)}"
        wait_for(lambda: self.mq.message_count(dead) == 1, timeout=20, what=f"1 message in {dead}")
        self.wait_counter(0, "applied", lambda v: v == 3, "== 3")
        self.wait_counter(0, "refused", lambda v: v == 1, "== 1")
        flags = snapshot(self.flag_dir(0))
        self.assertEqual({k: v[0] for k, v in flags.items()},
                         {"z5.example.signed": b"v2\n", "z6.example.signing": b""})
        self.assertEqual(flags["z5.example.signed"][1], now + 2)
        self.nodes[0].stop()  # a message not acknowledged would be back in the queue now
        self.assertEqual(self.mq.message_count(queue), 0)


if __name__ == "__main__":
    main()
