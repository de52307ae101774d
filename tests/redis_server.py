"""A throwaway Redis server for the test suite: started on a free port, stopped after.

Production shares the page cache and the content version between web containers through Redis
(REDIS_URL, docs/performance.md). The tests that show this run against a real one: the
machine's `redis-server` (Debian's redis-server package), with no persistence, in a temporary
folder. `stop_server()` and `start()` again on the same port stand for an outage and its end;
after `snapshot()`, for a Redis with persistence that restarts with the keys it held.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .postgres_server import end_process, free_port

INSTALL_HINT = (
    "redis-server was not found. On Debian or Ubuntu: sudo apt-get install -y redis-server "
    "(or set REDIS_SERVER to its path). `bash .ci/run` installs it."
)


class RedisUnavailable(RuntimeError):
    pass


def find_redis_server():
    path = os.environ.get("REDIS_SERVER") or shutil.which("redis-server")
    if not path or not Path(path).exists():
        raise RedisUnavailable(INSTALL_HINT)
    return path


class ThrowawayRedis:
    host = "127.0.0.1"

    def __init__(self):
        self.binary = find_redis_server()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="carter-redis-"))
        self.process = None

    def start(self, timeout=10):
        command = [
            self.binary, "--port", str(self.port), "--bind", self.host, "--dir", str(self.dir),
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning",
            "--maxmemory", "128mb", "--maxmemory-policy", "allkeys-lru",
        ]  # fmt: skip
        log = (self.dir / "redis.log").open("ab")
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RedisUnavailable(
                    f"redis-server stopped at once: {(self.dir / 'redis.log').read_text()[-1000:]}"
                )
            if self.ping():
                return self
            time.sleep(0.05)
        self.stop_server()
        raise RedisUnavailable(f"redis-server did not answer on port {self.port} within {timeout} s.")

    def ping(self):
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop_server(self):
        end_process(self.process)
        self.process = None

    def stop(self):
        self.stop_server()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db=0):
        return f"redis://{self.host}:{self.port}/{db}"

    def snapshot(self):
        """Write everything the server holds to its dump file, which the next start() loads: a
        Redis with persistence that restarts comes back with its keys."""
        with socket.create_connection((self.host, self.port), timeout=10) as connection:
            connection.sendall(b"SAVE\r\n")
            assert connection.recv(16).startswith(b"+OK")

    def forget_snapshot(self):
        (self.dir / "dump.rdb").unlink(missing_ok=True)

    def flush(self):
        with socket.create_connection((self.host, self.port), timeout=2) as connection:
            connection.sendall(b"FLUSHALL\r\n")
            assert connection.recv(16).startswith(b"+OK")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
