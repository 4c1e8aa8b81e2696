"""A guard that makes any network access in this Python process fail, and records it.

``install()`` patches the socket module so that creating an internet socket, connecting
anywhere, or resolving a host name raises :class:`NetworkAttempt` (an ``OSError``, so code
that handles "no network" keeps working) and records the attempt. Because code may catch and
swallow the error, the record is what counts: ``attempts()`` lists them, and when the
environment variable ``OFFLINE_GUARD_REPORT`` names a file, the list is written there as JSON
at exit, so a test can run the app in a subprocess and then assert that nothing was tried.

``allow_unix=True`` lets local AF_UNIX sockets through (they cannot leave the machine; Qt
and D-Bus may use them). Sockets opened by C++ code (Qt's own network stack) bypass Python;
tests complement this guard with a look at the process's open descriptors.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import threading
from collections.abc import Callable
from typing import Any

REPORT_ENV = "OFFLINE_GUARD_REPORT"
_attempts: list[str] = []
_lock = threading.Lock()
_installed = False


class NetworkAttempt(OSError):
    """Raised in place of a network operation while the guard is installed."""


def _record(what: str) -> NetworkAttempt:
    with _lock:
        _attempts.append(what)
    return NetworkAttempt(f"offline guard: {what} refused (rlsdesk must not use the network)")


def _family_name(family: Any) -> str:
    try:
        return socket.AddressFamily(family).name
    except ValueError:
        return repr(family)


def attempts() -> list[str]:
    with _lock:
        return list(_attempts)


def _refuse(name: str) -> Callable[..., Any]:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise _record(f"{name}{args!r}")

    return refused


def install(*, allow_unix: bool = False) -> None:
    """Patch the socket module for the rest of this process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    local = {socket.AF_UNIX} if allow_unix and hasattr(socket, "AF_UNIX") else set()
    original_init = socket.socket.__init__

    def guarded_init(self: socket.socket, family: Any = -1, *args: Any, **kwargs: Any) -> None:
        # -1 is the default: AF_INET for a new socket, or the family of an adopted descriptor.
        if family == -1 and len(args) < 3 and kwargs.get("fileno") is None:
            family = socket.AF_INET
        if family not in local:
            raise _record(f"socket({_family_name(family)})")
        original_init(self, family, *args, **kwargs)

    def guarded_connect(self: socket.socket, address: Any) -> None:
        raise _record(f"connect({address!r})")

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        raise _record(f"connect_ex({address!r})")

    socket.socket.__init__ = guarded_init  # type: ignore[method-assign]
    if not local:
        socket.socket.connect = guarded_connect  # type: ignore[method-assign, assignment]
        socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign, assignment]
        socket.socketpair = _refuse("socketpair")
    for name in ("create_connection", "create_server", "getaddrinfo", "gethostbyname",
                 "gethostbyname_ex", "gethostbyaddr", "getnameinfo", "fromfd"):  # fmt: skip
        if hasattr(socket, name):
            setattr(socket, name, _refuse(name))
    report = os.environ.get(REPORT_ENV)
    if report:
        atexit.register(_write_report, report)


def _write_report(path: str) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        json.dump({"attempts": attempts()}, stream)


def open_inet_sockets() -> list[str] | None:
    """Internet sockets this process holds open now (Linux /proc), or None if unknown.

    Catches sockets opened by C or C++ code that the Python-level patches cannot see, as
    long as they are still open when this is called.
    """
    fd_folder = "/proc/self/fd"
    if not os.path.isdir(fd_folder):
        return None
    inodes = set()
    for name in os.listdir(fd_folder):
        try:
            target = os.readlink(os.path.join(fd_folder, name))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = []
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        try:
            with open(f"/proc/net/{table}", encoding="ascii") as stream:
                next(stream, None)
                for line in stream:
                    fields = line.split()
                    if len(fields) > 9 and fields[9] in inodes:
                        found.append(f"{table} {fields[1]} -> {fields[2]}")
        except OSError:
            continue
    return found
