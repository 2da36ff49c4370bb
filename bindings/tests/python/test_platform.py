"""The shell's own device key, data-key wrapping and clock through the callback interfaces: a
key held outside the core (here by Python's `cryptography`, as Android Keystore or the Secure
Enclave would) signs real enforcement codes that another device verifies, and an AES-GCM key
held outside the core wraps the store's data key."""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import unittest

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_ffi import (  # noqa: E402
    PlatformClock,
    PlatformError,
    PlatformKeyWrapper,
    PlatformKeystore,
    StoreConfig,
    ZhifaError,
    ZhifaStore,
    uniffi_set_event_loop,
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

    async def sign(self, message):
        # Async, as a biometric prompt would make it; the loop keeps running meanwhile.
        await asyncio.sleep(0)
        if isinstance(self.signer, ec.EllipticCurvePrivateKey):
            # ASN.1 DER, as Android Keystore and SecKeyCreateSignature return it.
            return self.signer.sign(bytes(message), ec.ECDSA(hashes.SHA256()))
        return self.signer.sign(bytes(message))


class HeldWrappingKey(PlatformKeyWrapper):
    """An AES-256-GCM key the core never sees, as an Android Keystore key: IV then sealed key."""

    def __init__(self):
        self.aes = AESGCM(AESGCM.generate_key(bit_length=256))
        self.seen = []

    def wrap(self, key):
        self.seen.append(bytes(key))
        iv = os.urandom(12)
        return iv + self.aes.encrypt(iv, bytes(key), b"zhifa data key")

    def unwrap(self, wrapped):
        wrapped = bytes(wrapped)
        try:
            return self.aes.decrypt(wrapped[:12], wrapped[12:], b"zhifa data key")
        except InvalidTag:
            raise PlatformError.Refused()


class BootClock(PlatformClock):
    def elapsed_millis(self):
        return int(time.monotonic() * 1000)

    def origin_id(self):
        return "boot-1"


class PlatformTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dirs = []
        # The core awaits `sign` from its own threads: it runs on this loop.
        uniffi_set_event_loop(asyncio.get_running_loop())
        self.addCleanup(uniffi_set_event_loop, None)  # the loop closes with the test
        # UniFFI 0.32's Python tells a finished foreign future's drop with `loop.call_soon`
        # from the core's thread, which asyncio's debug mode (on in IsolatedAsyncioTestCase)
        # refuses with a traceback; the call only cancels a task already done.
        asyncio.get_running_loop().set_debug(False)

    def tearDown(self):
        for d in self.dirs:
            d.cleanup()

    async def store(self, keystore=None, wrapper=None, directory=None):
        if directory is None:
            d = tempfile.TemporaryDirectory()
            self.dirs.append(d)
            directory = d.name
        config = StoreConfig(directory=directory, jurisdiction=["500103"], authority_keys=[AUTHORITY],
                             passphrase="zhifa-test", light_kdf_for_tests=True)
        if keystore:
            store = await ZhifaStore.open_with_platform(config, keystore, wrapper or HeldWrappingKey(), BootClock())
        else:
            store = await ZhifaStore.open(config)
        if await store.catalogue().version() == 0:
            await store.catalogue().apply_bundle(BUNDLE)
        return store

    def credential_for(self, store):
        out = os.path.join(self.dirs[0].name, "credential.cose")
        subprocess.run(
            [os.environ["ZHIFA_SERVER_BIN"], "issue-credential", "--officer", "渝50010320021",
             "--device-key", store.device_public_key().hex(), "--out", out],
            check=True, capture_output=True)
        return read(out)

    async def test_a_platform_key_signs_codes_another_device_verifies(self):
        key = Ed25519PrivateKey.generate()
        officer = await self.store(HeldKey(key))
        self.assertEqual(officer.device_public_key(), HeldKey(key).public_key())
        await officer.codes().install_credential(self.credential_for(officer))
        code = await officer.codes().enforcement_code("91500103MA5U1A0E5B")
        verdict = await (await self.store()).codes().verify_enforcement_code(code.payload, "91500103MA5U1A0E5B", "500103")
        self.assertIsNone(verdict.refusal)
        self.assertEqual(verdict.officer.name, "周强")

    async def test_a_p256_key_signing_der_as_a_phones_keystore_does(self):
        key = ec.generate_private_key(ec.SECP256R1())
        officer = await self.store(HeldKey(key))
        await officer.codes().install_credential(self.credential_for(officer))
        code = await officer.codes().enforcement_code("91500103MA5U1A0E5B")
        verdict = await (await self.store()).codes().verify_enforcement_code(code.payload, "91500103MA5U1A0E5B", "500103")
        self.assertIsNone(verdict.refusal, verdict.message)
        self.assertEqual(verdict.officer.name, "周强")
        # A DER signature by another P-256 key is refused as any wrong signature is.
        impostor = await self.store(HeldKey(key, signer=ec.generate_private_key(ec.SECP256R1())))
        await impostor.codes().install_credential(self.credential_for(impostor))
        with self.assertRaises(ZhifaError.Validation):
            await impostor.codes().enforcement_code(None)

    async def test_a_keystore_that_signs_with_another_key_produces_no_code(self):
        key = Ed25519PrivateKey.generate()
        officer = await self.store(HeldKey(key, signer=Ed25519PrivateKey.generate()))
        await officer.codes().install_credential(self.credential_for(officer))
        with self.assertRaises(ZhifaError.Validation):
            await officer.codes().enforcement_code(None)

    async def test_the_data_key_is_kept_only_wrapped_by_the_platform_key(self):
        wrapper = HeldWrappingKey()
        device_key = HeldKey(Ed25519PrivateKey.generate())
        d = tempfile.TemporaryDirectory()
        self.dirs.append(d)
        store = await self.store(device_key, wrapper, d.name)
        self.assertEqual(len(wrapper.seen), 1)
        data_key = wrapper.seen[0]
        self.assertEqual(len(data_key), 32)
        del store
        on_disk = b"".join(read(os.path.join(d.name, name)) for name in os.listdir(d.name)
                           if os.path.isfile(os.path.join(d.name, name)))
        self.assertNotIn(data_key, on_disk)
        self.assertNotIn(data_key.hex().encode(), on_disk)
        self.assertNotEqual(read(os.path.join(d.name, "zhifa.sqlite3"))[:16], b"SQLite format 3\0")
        # The same platform key opens it again; another device's key does not, and the store is
        # left as it was.
        self.assertGreater(await (await self.store(device_key, wrapper, d.name)).catalogue().version(), 0)
        with self.assertRaises(ZhifaError.Storage) as refused:
            await self.store(device_key, HeldWrappingKey(), d.name)
        self.assertIn("无法解开", str(refused.exception))
        self.assertGreater(await (await self.store(device_key, wrapper, d.name)).catalogue().version(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
