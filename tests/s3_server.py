"""A throwaway S3-compatible server for the test suite: started on a free port, stopped after.

Several web containers share their uploads through a bucket (AWS_STORAGE_BUCKET_NAME,
docs/operations.md, "Scaling out"). The tests of that configuration send the real S3 client
(boto3, through django-storages) over HTTP to moto's S3 server, an implementation of the S3 API
that runs here, in its own process. It is not AWS: what only AWS does (permissions, its
consistency, a CDN in front) is not tested by it.
"""

import importlib.util
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .postgres_server import end_process, free_port

INSTALL_HINT = "moto's S3 server is not installed: `make install-dev` installs it (requirements-dev.txt)."


class S3Unavailable(RuntimeError):
    pass


class ThrowawayS3:
    host = "127.0.0.1"
    region = "us-east-1"
    access_key = "carter-test-access-key"
    secret_key = "carter-test-secret-key"

    def __init__(self):
        if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
            raise S3Unavailable(INSTALL_HINT)
        self.port = free_port()
        self.log = Path(tempfile.mkdtemp(prefix="carter-s3-")) / "s3.log"
        self.process = None

    @property
    def endpoint_url(self):
        return f"http://{self.host}:{self.port}"

    def start(self, timeout=20):
        command = [sys.executable, "-m", "moto.server", "--host", self.host, "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise S3Unavailable(f"moto's S3 server stopped at once: {self.log.read_text()[-1000:]}")
            if self.answers():
                return self
            time.sleep(0.05)
        self.stop()
        raise S3Unavailable(f"moto's S3 server did not answer on port {self.port} within {timeout} s.")

    def answers(self):
        try:
            with socket.create_connection((self.host, self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
        )

    def storage_options(self, bucket, **options):
        """The OPTIONS of django-storages' S3Storage for `bucket` on this server, as
        carter_site.settings.base builds them from the environment."""
        return {
            "bucket_name": bucket,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            "endpoint_url": self.endpoint_url,
            "region_name": self.region,
            "location": "media",
            "querystring_auth": False,
            "default_acl": None,
            "file_overwrite": False,
            **options,
        }

    def stop(self):
        end_process(self.process)
        self.process = None
        self.log.unlink(missing_ok=True)
        self.log.parent.rmdir()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
