"""kombu's Redis transport, with one guard so a Celery worker outlives a Redis restart.

When the broker connection drops while the worker holds unacknowledged messages (every running task, with
late acks), Celery 5.7's consumer collects the dead connection, which detaches the transport from it, and
then closes it again. Closing the channel tries to put its unacknowledged messages back through a new Redis
pool, built from the detached connection's settings: `None.hostname`, an AttributeError that is no connection
error, so Celery calls it unrecoverable and the worker process exits. An ack arriving on the old channel after
the reconnect takes the same path. Here a detached channel answers like a Redis that is down, a connection
error, which every caller already expects: closing goes on, the reconnect loop runs, and an ack that cannot
land leaves its message to Redis's visibility timeout (redelivered; the tasks are idempotent).
"""
from __future__ import annotations

import redis
from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict:
        if self.connection is None or self.connection.client is None:
            raise redis.exceptions.ConnectionError("the broker connection of this channel was closed")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel
