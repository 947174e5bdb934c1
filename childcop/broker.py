"""The embedded broker: kombu's filesystem transport, with each message written whole.

kombu's filesystem channel creates a message's file under its final name, then locks it
and writes it. A consumer does not take that lock: it renames the file away as soon as it
lists it and reads it. Under load it can take the file between its creation and its
write, read nothing, and fail to decode it — celery's worker stops on that error
("Unrecoverable error: JSONDecodeError"), and the message is lost.

Here a message is written under a name no consumer reads (a leading dot: consumers take
only `<…>.<queue>.msg`; they purge and count only those too), closed, and renamed to its
final name in the same folder. A rename is atomic: a consumer lists either no file or the
whole message.

`register()` (from childcop.celery, in every process) makes it the transport of every
`filesystem://` URL: kombu's table of URL schemes names this class for that scheme. Not
the `broker_transport` setting, which would apply to every URL, a Redis one included.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put `payload` onto `queue`, whole: written aside, then renamed into place."""
        name = f"{int(round(time.monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.data_folder_out, f".{name}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def register() -> None:
    """`filesystem://` URLs use this transport."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
