"""The catalogue through the real cdylib and the generated Python bindings.

Run by scripts/test, which generates the bindings into ZHIFA_PYTHON_BINDINGS and exports a
signed demo bundle (ZHIFA_TEST_BUNDLE) with the authority's public key (ZHIFA_TEST_AUTHORITY).
"""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import SearchHitKind  # noqa: E402
from zhifa.zhifa_ffi import StoreConfig, ZhifaError, ZhifaStore  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])


class CatalogueTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.store = await self.open(["500103"])

    def tearDown(self):
        self.dir.cleanup()

    async def open(self, jurisdiction, keys=None):
        config = StoreConfig(
            directory=self.dir.name,
            jurisdiction=jurisdiction,
            authority_keys=[AUTHORITY] if keys is None else keys,
            passphrase="zhifa-test",
            light_kdf_for_tests=True,
        )
        return await ZhifaStore.open(config)

    async def test_applies_the_signed_bundle_and_searches_in_chinese(self):
        self.assertEqual(await self.store.catalogue().version(), 0)
        report = await self.store.catalogue().apply_bundle(BUNDLE)
        self.assertTrue(report.full)
        self.assertEqual(report.version, await self.store.catalogue().version())
        counts = await self.store.catalogue().counts()
        self.assertGreaterEqual(counts.items, 40)
        self.assertEqual(counts.enterprises, 20)

        hits = await self.store.catalogue().search("露天烧烤", 5)
        self.assertEqual(hits[0].kind, SearchHitKind.ITEM)
        self.assertEqual(hits[0].key, "YZ-CG-001")
        item = await self.store.catalogue().enforcement_item(hits[0].key)
        self.assertIn("大气污染防治法", item.legal_basis)

        two_chars = await self.store.catalogue().search("无证", 5)
        self.assertIn("YZ-SC-019", [h.key for h in two_chars])
        article = (await self.store.catalogue().search("当场作出", 5))[0]
        self.assertEqual(article.kind, SearchHitKind.ARTICLE)
        self.assertEqual(article.article_number, "第五十一条")

        officer = await self.store.catalogue().officer("渝50010320021")
        self.assertEqual(officer.name, "周强")
        self.assertEqual((await self.store.catalogue().enforcement_body(officer.body_id)).name, "重庆市渝中区城市管理局")
        self.assertIsNone(await self.store.catalogue().enterprise("91500103MA5U1A0B2X"))

    async def test_a_tampered_bundle_is_refused_with_a_reason_and_changes_nothing(self):
        tampered = bytearray(BUNDLE)
        at = tampered.find("渝中".encode())
        tampered[at:at + 6] = "渝北".encode()
        with self.assertRaises(ZhifaError.BundleRejected) as caught:
            await self.store.catalogue().apply_bundle(bytes(tampered))
        self.assertIn("签名验证失败，数据包可能被篡改", str(caught.exception))
        self.assertEqual(await self.store.catalogue().version(), 0)
        self.assertEqual(await self.store.catalogue().search("露天烧烤", 5), [])

    async def test_truncated_replayed_and_foreign_bundles_are_refused(self):
        with self.assertRaises(ZhifaError.BundleRejected) as caught:
            await self.store.catalogue().apply_bundle(BUNDLE[: len(BUNDLE) // 2])
        self.assertIn("数据包格式错误或下载不完整", str(caught.exception))

        await self.store.catalogue().apply_bundle(BUNDLE)
        with self.assertRaises(ZhifaError.BundleRejected) as caught:
            await self.store.catalogue().apply_bundle(BUNDLE)
        self.assertRegex(str(caught.exception), r"数据包版本（\d+）不比本机目录（\d+）新")

        yubei = await self.open(["500112"])
        with self.assertRaises(ZhifaError.BundleRejected) as caught:
            await yubei.catalogue().apply_bundle(BUNDLE)
        self.assertIn("数据包不属于本机辖区", str(caught.exception))

    async def test_a_corrupt_database_is_kept_reported_and_acknowledged(self):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        with open(os.path.join(d.name, "zhifa.sqlite3"), "wb") as f:
            f.write(b"not a database!!" * 512)
        config = StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True)
        store = await ZhifaStore.open(config)
        report = store.quarantine_report()
        self.assertTrue(os.path.exists(report.kept_at))
        self.assertIn("损坏", report.message)
        await store.catalogue().apply_bundle(BUNDLE)  # the fresh store works
        self.assertIsNotNone((await ZhifaStore.open(config)).quarantine_report(), "reported until acknowledged")
        await store.acknowledge_quarantine()
        self.assertIsNone((await ZhifaStore.open(config)).quarantine_report())
        self.assertTrue(os.path.exists(report.kept_at), "never deleted")

    async def test_a_wrong_passphrase_is_refused_in_words_and_touches_nothing(self):
        await self.store.catalogue().apply_bundle(BUNDLE)
        del self.store
        wrong = StoreConfig(directory=self.dir.name, jurisdiction=["500103"], authority_keys=[AUTHORITY],
                            passphrase="not the passphrase", light_kdf_for_tests=True)
        with self.assertRaises(ZhifaError.Storage) as refused:
            await ZhifaStore.open(wrong)
        self.assertIn("无法解开", str(refused.exception))
        store = await self.open(["500103"])
        self.assertIsNone(store.quarantine_report())
        self.assertGreater(await store.catalogue().version(), 0, "the catalogue is still there")
        with open(os.path.join(self.dir.name, "zhifa.sqlite3"), "rb") as f:
            self.assertNotEqual(f.read(16), b"SQLite format 3\0", "encrypted on disk")
        missing = StoreConfig(directory=self.dir.name, jurisdiction=["500103"], authority_keys=[AUTHORITY])
        with self.assertRaises(ZhifaError.Validation):
            await ZhifaStore.open(missing)

    async def test_bad_configuration_is_a_validation_error(self):
        with self.assertRaises(ZhifaError.Validation):
            await self.open(["渝中区"])
        with self.assertRaises(ZhifaError.Validation):
            await self.open(["500103"], keys=[b"not a key"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
