"""A throwaway PostgreSQL server for the test suite: started in a temporary folder, stopped after.

Uses the server binaries of the machine (Debian's postgresql-15 package). PostgreSQL refuses
to run as root, so when the tests run as root the server runs as the `postgres` user.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

INSTALL_HINT = (
    "PostgreSQL server binaries (initdb, pg_ctl) were not found. On Debian or Ubuntu: "
    "sudo apt-get install -y postgresql-15  (or set PG_BIN to the folder that holds them)."
)


class PostgresUnavailable(RuntimeError):
    pass


def find_bin_dir():
    candidates = [os.environ.get("PG_BIN", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).resolve().parent))
    for folder in candidates:
        if folder and (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise PostgresUnavailable(INSTALL_HINT)


def _version_key(path):
    try:
        return int(Path(path).parent.name)
    except ValueError:
        return 0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def end_process(process, timeout=10):
    """Ask a throwaway server's process to stop, and kill it if it has not within `timeout`."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ThrowawayPostgres:
    user = "postgres"

    def __init__(self):
        self.bin_dir = find_bin_dir()
        self.port = free_port()
        self.host = "127.0.0.1"
        self.dir = Path(tempfile.mkdtemp(prefix="carter-pg-", dir="/tmp"))
        self.data_dir = self.dir / "data"
        self.log_file = self.dir / "postgres.log"
        os.chmod(self.dir, 0o755)
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.dir, user="postgres")

    def _run(self, *args, check=True):
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=60)

    def start(self):
        try:
            self._run(
                "initdb", "-D", str(self.data_dir), "-U", self.user, "-A", "trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
            )  # fmt: skip
        except subprocess.CalledProcessError as error:
            raise PostgresUnavailable(f"initdb failed: {error.stderr.strip()}") from error
        self.start_server()
        return self

    def start_server(self):
        options = (
            f"-k {self.dir} -p {self.port} -c listen_addresses={self.host} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
        )
        result = self._run(
            "pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-w", "-t", "30", "-o", options, "start",
            check=False,
        )  # fmt: skip
        if result.returncode != 0:
            log = self.log_file.read_text() if self.log_file.exists() else ""
            raise PostgresUnavailable(f"PostgreSQL did not start: {result.stderr.strip()}\n{log[-2000:]}")

    def stop_server(self):
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", check=False)

    def stop(self):
        self.stop_server()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database="postgres"):
        return f"postgres://{self.user}@{self.host}:{self.port}/{database}"

    def django_settings(self, database="carter"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": self.user,
            "PASSWORD": "",
            "HOST": self.host,
            "PORT": str(self.port),
        }

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


if __name__ == "__main__":
    # `python -m tests.postgres_server`: say whether the server binaries are here, and where.
    import sys

    try:
        print(f"PostgreSQL server binaries: {find_bin_dir()}")
    except PostgresUnavailable as error:
        sys.exit(str(error))
