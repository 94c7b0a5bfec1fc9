"""Starts a real Genie4j server (the shaded jar) for the tests, on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "protocol" / "python"))

import genie4j  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def address():
    yield from _serve()


@pytest.fixture(scope="session")
def address2():
    """A second server, for fleets."""
    yield from _serve()


def _serve():
    jar = Path(os.environ.get("GENIE4J_JAR", ROOT / "cli" / "target" / "genie4j.jar"))
    if not jar.exists():
        subprocess.run([str(ROOT / "bin" / "genie4j"), "--version"], check=True, stdout=subprocess.DEVNULL)
    addr = f"tcp://127.0.0.1:{_free_port()}"
    proc = subprocess.Popen(["java", "-Dai.djl.offline=true", "-jar", str(jar), "serve", "--bind", addr],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: list = []
    threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True).start()
    try:
        conn = genie4j.Connection(addr, timeout=60)  # pings until the server answers
        conn.close()
        yield addr
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
