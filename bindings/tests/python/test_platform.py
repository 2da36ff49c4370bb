"""The shell's own device key and clock through the callback interfaces: a key held outside
the core (here by Python's `cryptography`, as Android Keystore or the Secure Enclave would)
signs real enforcement codes that another device verifies."""

import os
import subprocess
import sys
import tempfile
import time
import unittest

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_ffi import (  # noqa: E402
    PlatformClock,
    PlatformKeystore,
    StoreConfig,
    ZhifaError,
    ZhifaStore,
)


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])


class HeldKey(PlatformKeystore):
    """A device key the core never sees; `signer` may differ to play a broken keystore."""

    def __init__(self, key, signer=None):
        self.key = key
        self.signer = signer or key

    def public_key(self):
        return self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)

    def sign(self, message):
        return self.signer.sign(bytes(message))


class BootClock(PlatformClock):
    def elapsed_millis(self):
        return int(time.monotonic() * 1000)

    def origin_id(self):
        return "boot-1"


class PlatformTest(unittest.TestCase):
    def setUp(self):
        self.dirs = []

    def tearDown(self):
        for d in self.dirs:
            d.cleanup()

    def store(self, keystore=None):
        d = tempfile.TemporaryDirectory()
        self.dirs.append(d)
        config = StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[AUTHORITY])
        store = ZhifaStore.open_with_platform(config, keystore, BootClock()) if keystore else ZhifaStore.open(config)
        store.catalogue().apply_bundle(BUNDLE)
        return store

    def credential_for(self, store):
        out = os.path.join(self.dirs[0].name, "credential.cose")
        subprocess.run(
            [os.environ["ZHIFA_SERVER_BIN"], "issue-credential", "--officer", "渝50010320021",
             "--device-key", store.device_public_key().hex(), "--out", out],
            check=True, capture_output=True)
        return read(out)

    def test_a_platform_key_signs_codes_another_device_verifies(self):
        key = Ed25519PrivateKey.generate()
        officer = self.store(HeldKey(key))
        self.assertEqual(officer.device_public_key(), HeldKey(key).public_key())
        officer.codes().install_credential(self.credential_for(officer))
        code = officer.codes().enforcement_code("91500103MA5U1A0E5B")
        verdict = self.store().codes().verify_enforcement_code(code.payload, "91500103MA5U1A0E5B", "500103")
        self.assertIsNone(verdict.refusal)
        self.assertEqual(verdict.officer.name, "周强")

    def test_a_keystore_that_signs_with_another_key_produces_no_code(self):
        key = Ed25519PrivateKey.generate()
        officer = self.store(HeldKey(key, signer=Ed25519PrivateKey.generate()))
        officer.codes().install_credential(self.credential_for(officer))
        with self.assertRaises(ZhifaError.Validation):
            officer.codes().enforcement_code(None)


if __name__ == "__main__":
    unittest.main(verbosity=2)
