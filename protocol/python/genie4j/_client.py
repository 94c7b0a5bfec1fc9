"""A connection to a Genie4j EnvServer: one DEALER socket, request ids, time-outs, error mapping."""

from __future__ import annotations

import builtins
import itertools
import time
from typing import Any, Dict, Optional

import zmq

from . import _wire


class RemoteError(Exception):
    """The server replied with an error; `code` is one of PROTOCOL.md section 5."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message = code, message


class InvalidArgument(RemoteError, ValueError):
    """INVALID_ARGUMENT: a malformed request, bad option, wrong dtype or shape, action outside the space."""


class NotFound(RemoteError, LookupError):
    """NOT_FOUND: unknown env id, unknown or closed session."""


class FailedPrecondition(RemoteError, RuntimeError):
    """FAILED_PRECONDITION: e.g. step before reset."""


class PermissionDenied(RemoteError, PermissionError):
    """PERMISSION_DENIED (protocol 1.1): an option names a file on the server outside the directories
    its operator allowed (`genie4j serve --allow-dir DIR`). Send the data itself instead, e.g. a
    prompt image as bytes or as a numpy array."""


class ResourceExhausted(RemoteError):
    """RESOURCE_EXHAUSTED: a limit was reached (message size, sessions, envs, image size); the
    message names it and the server option that raises it."""


class Unavailable(RemoteError):
    """UNAVAILABLE (protocol 1.1): the server holds too many unread replies for this client, so the
    request was not executed; read replies, then send it again."""


class TimeoutError(builtins.TimeoutError):  # noqa: A001 - deliberately the package's own name
    """No reply came in time: the server is gone, busy or unreachable."""


_ERRORS = {"INVALID_ARGUMENT": InvalidArgument, "NOT_FOUND": NotFound, "FAILED_PRECONDITION": FailedPrecondition,
           "PERMISSION_DENIED": PermissionDenied, "RESOURCE_EXHAUSTED": ResourceExhausted,
           "UNAVAILABLE": Unavailable}


def checked(reply: Dict[str, Any]) -> Dict[str, Any]:
    """The reply if it says ok; else raises the RemoteError subclass of its error code."""
    if not reply.get("ok"):
        err = reply.get("error") or {}
        code = str(err.get("code", "INTERNAL"))
        raise _ERRORS.get(code, RemoteError)(code, str(err.get("message", "")))
    return reply


class Connection:
    """Connects, pinging until the server answers (retrying on a fresh socket, PROTOCOL.md section 1),
    then sends requests and waits for their replies. Not thread-safe."""

    def __init__(self, address: str, timeout: float = 30.0, curve: Optional[Dict[str, str]] = None) -> None:
        self.address, self.timeout, self.curve = address, float(timeout), curve
        self._ctx = zmq.Context()
        self._ids = itertools.count(1)
        self._socket: Optional[zmq.Socket] = None
        self.closed = False
        try:
            self._handshake()
        except BaseException:
            self._ctx.destroy(linger=0)
            raise

    def _open(self) -> zmq.Socket:
        s = self._ctx.socket(zmq.DEALER)
        s.setsockopt(zmq.LINGER, 0)
        if self.curve:
            s.curve_serverkey = self.curve["server_public_key"].encode("ascii")
            s.curve_publickey = self.curve["client_public_key"].encode("ascii")
            s.curve_secretkey = self.curve["client_secret_key"].encode("ascii")
        s.connect(self.address)
        return s

    def _handshake(self) -> None:
        deadline = time.monotonic() + self.timeout
        wait = 0.25
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                hint = " and is this client's key on its allow-list?" if self.curve else "?"
                raise TimeoutError(f"no reply from {self.address} within {self.timeout:g} s to 'ping'; "
                                   f"is the server running{hint}")
            self._socket = self._open()
            try:
                ping = {"op": "ping"}
                self.receive(self.send(ping), ping, None, min(wait, left))
                return
            except TimeoutError:
                self._socket.close(linger=0)
                wait = min(2 * wait, 2.0)

    def call(self, request: Dict[str, Any], shm: Optional[Any] = None) -> Dict[str, Any]:
        """Sends a request (values may be numpy arrays) and returns the reply's fields; `shm` is the
        session's mapped shared-memory region, if it has one.

        Raises RemoteError (or a subclass) on an error reply and TimeoutError when no reply comes."""
        if self.closed:
            raise RuntimeError(f"connection to {self.address} is closed")
        return self.receive(self.send(request), request, shm)

    def send(self, request: Dict[str, Any]) -> int:
        """Sends a request without waiting; `receive` collects its reply. Keep at most one request in
        flight on a connection: replies to others are skipped as stale."""
        if self.closed:
            raise RuntimeError(f"connection to {self.address} is closed")
        rid = next(self._ids)
        self._socket.send_multipart(_wire.encode(dict(request, id=rid)), copy=False)
        return rid

    def receive(self, rid: int, request: Dict[str, Any], shm: Optional[Any] = None,
                wait: Optional[float] = None) -> Dict[str, Any]:
        """The reply to the request `send` sent as `rid` (`request` names it in errors), as `call`."""
        wait = self.timeout if wait is None else wait
        deadline = time.monotonic() + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self._socket.poll(max(1, int(left * 1000))):
                raise TimeoutError(f"no reply from {self.address} within {wait:g} s to {request.get('op')!r}; "
                                   f"is the server running?")
            reply = _wire.decode(self._socket.recv_multipart(), shm)
            if reply.get("id") not in (None, rid):
                continue  # a late reply to a request that already timed out
            return checked(reply)

    def close(self) -> None:
        """Closes the socket and context. Idempotent."""
        if not self.closed:
            self.closed = True
            self._ctx.destroy(linger=0)
