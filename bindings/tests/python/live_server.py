"""A real zhifa-sync-server (`serve --demo`) started from its binary on a free loopback port,
once per test class, for the tests that enrol phones and sync against it."""

import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

SERVER = os.environ["ZHIFA_SERVER_BIN"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServerTestCase(unittest.IsolatedAsyncioTestCase):
    """Starts the server before the class's tests and stops it after; `url` is its address,
    `authority` the catalogue authority key its bundles are signed with."""

    @classmethod
    def setUpClass(cls):
        cls.data = tempfile.TemporaryDirectory()
        cls.url = f"http://127.0.0.1:{free_port()}"
        cls.server = subprocess.Popen(
            [SERVER, "serve", "--demo", "--data-dir", cls.data.name, "--listen", cls.url[7:]],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                urllib.request.urlopen(cls.url + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(cls.url + "/v1/catalogue/authority") as r:
            cls.authority = bytes.fromhex(json.load(r)["public_key_spki"])

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        cls.data.cleanup()

    def enrolment_code(self, officer):
        """A one-time enrolment code for `officer`, issued by the server's admin command."""
        out = subprocess.run(
            [SERVER, "enrol-device", "--data-dir", self.data.name, "--officer", officer],
            check=True, capture_output=True, text=True,
        )
        return out.stdout.strip()
