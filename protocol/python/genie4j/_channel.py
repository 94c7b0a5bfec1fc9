"""The client side of a session's request channel in shared memory (PROTOCOL.md section 2.2): requests
and replies pass through a file both processes map, with no socket in between."""

from __future__ import annotations

import mmap
import os
import struct
import time
from typing import List, Optional

_HEADER = 64
_CLIENT_TURN, _SERVER_TURN, _LENGTH, _FLAGS, _CLOSED = 0, 8, 16, 20, 24
_MORE = 1
_SPIN_S = 20e-6


class ChannelClosed(RuntimeError):
    """The server closed the session (idle too long, its connection went away, or it stopped)."""


class Channel:
    """A mapped channel file; one request at a time (`send`, then `receive`)."""

    def __init__(self, path: str, size: int) -> None:
        fd = os.open(path, os.O_RDWR)
        try:
            if os.fstat(fd).st_size < size or size <= _HEADER:
                raise ValueError(f"channel file {path} is smaller than {size} bytes")
            self._map = mmap.mmap(fd, size, access=mmap.ACCESS_WRITE)
        finally:
            os.close(fd)
        self._area = size - _HEADER
        self._turns = struct.unpack_from("<q", self._map, _CLIENT_TURN)[0]
        self.broken = False

    def fits(self, frames: List[bytes]) -> bool:
        return 4 + sum(4 + len(f) for f in frames) <= self._area

    def _check_open(self) -> None:
        if struct.unpack_from("<i", self._map, _CLOSED)[0]:
            raise ChannelClosed("the server closed this session (it was idle too long, its connection went "
                                "away, or the server stopped); make the env again")

    def send(self, frames: List[bytes]) -> None:
        self._check_open()
        data = struct.pack("<i", len(frames)) + b"".join(struct.pack("<i", len(f)) + bytes(f) for f in frames)
        self._map[_HEADER:_HEADER + len(data)] = data
        struct.pack_into("<ii", self._map, _LENGTH, len(data), 0)
        self._turns += 1
        struct.pack_into("<q", self._map, _CLIENT_TURN, self._turns)

    def _await(self, deadline: float) -> bool:
        start = time.monotonic()
        while struct.unpack_from("<q", self._map, _SERVER_TURN)[0] < self._turns:
            self._check_open()
            now = time.monotonic()
            if now > deadline:
                return False
            if now - start > _SPIN_S:
                time.sleep(30e-6)
        return True

    def receive(self, timeout: float) -> Optional[List[bytes]]:
        """The reply's frames, or None when none came within `timeout` seconds (then the channel is
        out of step with the server and must not be used again)."""
        deadline = time.monotonic() + timeout
        parts: List[bytes] = []
        while True:
            if not self._await(deadline):
                self.broken = True
                return None
            length, flags = struct.unpack_from("<ii", self._map, _LENGTH)
            parts.append(self._map[_HEADER:_HEADER + length])
            if not flags & _MORE:
                break
            self._turns += 1  # ask for the next chunk
            struct.pack_into("<q", self._map, _CLIENT_TURN, self._turns)
        data = b"".join(parts)
        (count,) = struct.unpack_from("<i", data, 0)
        frames, at = [], 4
        for _ in range(count):
            (n,) = struct.unpack_from("<i", data, at)
            frames.append(data[at + 4:at + 4 + n])
            at += 4 + n
        return frames

    def close(self) -> None:
        try:
            self._map.close()
        except (BufferError, ValueError):
            pass
