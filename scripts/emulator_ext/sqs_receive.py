"""SQS ReceiveMessage that hands a visible message to one receiver.

moto's receive_message checks that a message is visible and then marks it received, with nothing
between the two that other threads of the server respect: two ReceiveMessage calls served at the
same moment could both take the same message. The sweep's tests drain a queue with several
concurrent workers, as Lambda's event source mapping does, and the copy one of them got found the
event held by the other and was handed back (SweepQueueIT failed on that once, in a clean-clone run
of .ci/run; the sweep benchmark decided 2 to 5 of 1,000 instances twice). Amazon SQS standard queues may deliver a
message more than once too ("at-least-once delivery", Amazon SQS Developer Guide), but rarely, not
whenever two receivers meet; the drift path handles such a copy either way (its claim).

Here one queue's receives take its messages one call at a time: each call looks for messages
without waiting while it holds the queue's lock, and a long poll waits for messages outside it, so
that a waiting receiver holds up no other. What a call answers is moto's.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from moto.sqs.models import Queue, SQSBackend

_LOCK_ATTRIBUTE = "_drift_deploy_receive_lock"
_LOCKS_GUARD = threading.Lock()


def _receive_lock(queue: Queue) -> threading.Lock:
    """The queue's own lock, made on its first receive."""
    with _LOCKS_GUARD:
        if not hasattr(queue, _LOCK_ATTRIBUTE):
            setattr(queue, _LOCK_ATTRIBUTE, threading.Lock())
        return getattr(queue, _LOCK_ATTRIBUTE)


def install() -> None:
    receive = SQSBackend.receive_message

    def receive_message(
        self: SQSBackend,
        queue_name: str,
        count: int,
        wait_seconds_timeout: int,
        visibility_timeout: int,
        message_attribute_names: list[str] | None = None,
    ) -> list[Any]:
        queue = self.get_queue(queue_name)
        deadline = time.monotonic() + (wait_seconds_timeout or 0)
        while True:
            with _receive_lock(queue):
                received = receive(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
            left = deadline - time.monotonic()
            if received or left <= 0:
                return received
            # As moto's own long poll does: wake when a message is visible, at least once a second.
            queue.wait_for_messages(min(1.0, left))

    SQSBackend.receive_message = receive_message
