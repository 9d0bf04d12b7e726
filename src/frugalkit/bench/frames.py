"""Length-prefixed frames on a pipe between the runner and its worker.

Runner to worker: pickle (inputs may be arrays or images; the worker trusts the runner).
Worker to runner: JSON only, at most MAX_REPLY_BYTES: the runner trusts nothing the
submission's process sends, and unpickling it would run its code.
"""

from __future__ import annotations

import os
import struct

HEADER = struct.Struct("!Q")
MAX_REPLY_BYTES = 256 * 1024 * 1024


class BrokenChannel(Exception):
    """The other end closed the pipe, or sent what is not a frame."""


def write_frame(fd: int, data: bytes) -> None:
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def read_exactly(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise BrokenChannel("end of file")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, limit: int = MAX_REPLY_BYTES) -> bytes:
    (size,) = HEADER.unpack(read_exactly(fd, HEADER.size))
    if size > limit:
        raise BrokenChannel(f"a frame of {size:,} bytes, over the limit of {limit:,}")
    return read_exactly(fd, size)
