"""SQS queue counts that read the clock once per count instead of once per message.

Every SNS notification delivered to an SQS subscription runs SendMessage, which in moto reads
the queue's attributes, and with them its three approximate message counts. moto counts by
asking each message whether it is visible and whether it is delayed, and each answer reads the
clock: a queue holding the 800 notifications of a drift storm made each delivery read the clock
2,400 times, and SNS Publish the emulator's costliest call (17 % of its time in a storm). AWS's
Publish does not slow down as a subscriber's queue fills. The counts here compare every message
with one reading of the clock, by the same comparisons as moto's Message.visible and
Message.delayed, so they answer what moto answers.
"""

from __future__ import annotations

from collections.abc import Callable

from moto.core.utils import unix_time_millis
from moto.sqs.models import Message, Queue


def _count(test: Callable[[Message, float], bool]) -> property:
    def count(queue: Queue) -> int:
        now = unix_time_millis()
        return sum(1 for message in queue._messages if test(message, now))

    return property(count)


def _visible(message: Message, now: float) -> bool:
    return now > message.visible_at


def _delayed(message: Message, now: float) -> bool:
    return now < message.delayed_until


def install() -> None:
    Queue.approximate_number_of_messages = _count(
        lambda message, now: _visible(message, now) and not _delayed(message, now))
    Queue.approximate_number_of_messages_delayed = _count(_delayed)
    Queue.approximate_number_of_messages_not_visible = _count(lambda message, now: not _visible(message, now))
