"""The embedded broker (childcop.broker): a consumer never reads a message half written.

kombu's own filesystem channel, under a producer and a consumer at once, let the consumer
take a message's file before it was written: it read nothing, and celery's worker stopped
on the decoding error (seen in the suite's real-worker tests under load: about one message
in 3,000 here).
"""

import threading
import time

from django.conf import settings
from kombu import Connection

from childcop.broker import Transport

PAYLOAD = {
    "body": [{"n": i, "text": "x"} for i in range(3000)],
    "headers": {"task": "childcop.example"},
}


def connection(folder):
    options = {"data_folder_in": str(folder), "data_folder_out": str(folder)}
    options["store_processed"] = False
    return Connection("filesystem://", transport=Transport, transport_options=options)


def test_filesystem_urls_use_the_whole_message_transport_and_others_are_left_alone():
    from childcop.celery import app

    with app.connection_for_write("filesystem://") as conn:
        assert isinstance(conn.transport, Transport)
    with app.connection_for_write("redis://127.0.0.1:1/0") as conn:  # not connected
        assert not isinstance(conn.transport, Transport)
    with app.connection_for_write() as conn:  # the configured broker
        embedded = settings.CELERY_BROKER_URL.startswith("filesystem://")
        assert isinstance(conn.transport, Transport) == embedded


def test_a_message_being_written_is_not_read(tmp_path, monkeypatch):
    """A consumer that looks while the producer writes finds nothing, then the whole
    message (kombu's own channel hands it an empty file there)."""
    from childcop import broker

    seen = []
    with connection(tmp_path) as producer, connection(tmp_path) as consumer:

        def dumps_while_looking(payload):
            # The producer is writing (its file exists): the consumer looks in now.
            try:
                seen.append(consumer.default_channel._get("jobs"))
            except Exception as error:  # noqa: BLE001 — kombu's Empty, or a decoding error
                seen.append(type(error).__name__)
            return real_dumps(payload)

        real_dumps = broker.dumps
        monkeypatch.setattr(broker, "dumps", dumps_while_looking)
        producer.default_channel._put("jobs", PAYLOAD)
        assert seen == ["Empty"]
        assert consumer.default_channel._get("jobs") == PAYLOAD
        assert [p.name for p in tmp_path.iterdir()] == []


def test_a_consumer_reading_while_a_producer_writes_gets_every_message_whole(tmp_path):
    count, received, errors = 500, [], []

    def produce():
        with connection(tmp_path) as conn:
            for i in range(count):
                conn.default_channel._put("jobs", {**PAYLOAD, "n": i})

    def consume():
        deadline = time.monotonic() + 60
        with connection(tmp_path) as conn:
            channel = conn.default_channel
            while len(received) < count and not errors and time.monotonic() < deadline:
                try:
                    received.append(channel._get("jobs"))
                except Exception as error:  # noqa: BLE001 — Empty, or a message read half written
                    if type(error).__name__ != "Empty":
                        errors.append(error)

    producer = threading.Thread(target=produce)
    consumer = threading.Thread(target=consume)
    producer.start()
    consumer.start()
    producer.join()
    consumer.join()
    assert not errors
    assert len(received) == count
    assert sorted(m["n"] for m in received) == list(range(count))
    assert all(m["body"] == PAYLOAD["body"] for m in received)
