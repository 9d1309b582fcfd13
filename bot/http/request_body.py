"""Reading a request body up to a size limit, whether or not the request says its length.

A request sent in chunks has no Content-Length to refuse it by in advance, and a WSGI
server that un-chunks it hands over the raw stream: only reading with a limit bounds it.
"""

from __future__ import annotations

import io
from typing import IO

CHUNK = 64 * 1024


class TooLarge(Exception):
    """The body is larger than the limit."""


def read_limited(stream: IO[bytes], limit: int) -> bytes:
    """Read a request body, refusing it as soon as it passes `limit` bytes."""
    buffer = io.BytesIO()
    while chunk := stream.read(min(CHUNK, limit + 1 - buffer.tell())):
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise TooLarge
    return buffer.getvalue()
