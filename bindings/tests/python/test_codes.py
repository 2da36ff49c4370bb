"""Enforcement and enterprise codes through the real cdylib: an officer generates, an
enterprise verifies; an enterprise code is scanned and a visit opened.

The duty credential is issued by the server's own admin command for this test's device key,
as enrolment will do online. Fixtures come from scripts/test.
"""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import CodeRefusal, GpsFix  # noqa: E402
from zhifa.zhifa_ffi import (  # noqa: E402
    StoreConfig,
    ZhifaError,
    ZhifaStore,
    check_credit_code,
    decode_qr_image,
    qr_png,
    qr_svg,
)


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])
ENTERPRISE_CODE = read(os.environ["ZHIFA_TEST_ENTERPRISE_CODE"], "r")
OFFICER = "渝50010320021"
BARBECUE = "91500103MA5U1A0E5B"
HOTPOT = "91500103MA5U1A0B2Y"


class CodesTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dirs = []
        self.officer = await self.device()
        self.enterprise = await self.device()
        credential = self.issue_credential(self.officer)
        info = await self.officer.codes().install_credential(credential)
        self.assertEqual(info.name, "周强")

    def tearDown(self):
        for d in self.dirs:
            d.cleanup()

    async def device(self):
        d = tempfile.TemporaryDirectory()
        self.dirs.append(d)
        store = await ZhifaStore.open(StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))
        await store.catalogue().apply_bundle(BUNDLE)
        return store

    def issue_credential(self, device):
        out = os.path.join(self.dirs[0].name, "credential.cose")
        subprocess.run(
            [
                os.environ["ZHIFA_SERVER_BIN"], "issue-credential",
                "--officer", OFFICER,
                "--device-key", device.device_public_key().hex(),
                "--items", "YZ-CG-001",
                "--out", out,
            ],
            check=True,
            capture_output=True,
        )
        return read(out)

    async def test_officer_generates_and_enterprise_verifies(self):
        code = await self.officer.codes().enforcement_code(None)
        self.assertTrue(code.payload.startswith("EC1:"))
        self.assertLessEqual(code.qr_version, 12)

        verdict = await self.enterprise.codes().verify_enforcement_code(code.payload, BARBECUE, "500103")
        self.assertIsNone(verdict.refusal)
        self.assertEqual(verdict.officer.name, "周强")
        self.assertEqual(verdict.officer.agency_name, "重庆市渝中区城市管理局")
        self.assertEqual([i.code for i in verdict.officer.items], ["YZ-CG-001"])
        self.assertIn("核验通过", verdict.message)

        again = await self.enterprise.codes().verify_enforcement_code(code.payload, BARBECUE, "500103")
        self.assertIsNone(again.officer)
        self.assertIsInstance(again.refusal, CodeRefusal.REPLAYED)
        self.assertIn("已被使用", again.message)
        self.assertEqual(await self.enterprise.sync().pending_event_count(), 2)

    async def test_a_code_shown_to_another_enterprise_or_place_is_refused(self):
        bound = await self.officer.codes().enforcement_code(BARBECUE)
        verdict = await self.enterprise.codes().verify_enforcement_code(bound.payload, HOTPOT, "500103")
        self.assertIsInstance(verdict.refusal, CodeRefusal.WRONG_ENTERPRISE)
        outside = await self.enterprise.codes().verify_enforcement_code((await self.officer.codes().enforcement_code(None)).payload, None, "500112")
        self.assertIsInstance(outside.refusal, CodeRefusal.OUTSIDE_JURISDICTION)
        garbage = await self.enterprise.codes().verify_enforcement_code("EC1:%%%", None, "500103")
        self.assertIsInstance(garbage.refusal, CodeRefusal.MALFORMED)

    async def test_enterprise_code_scanned_opens_a_visit(self):
        opened = await self.officer.codes().open_visit(ENTERPRISE_CODE, GpsFix(latitude=29.55, longitude=106.57, accuracy_m=10.0), [], BARBECUE)
        self.assertEqual(opened.enterprise.code.credit_code, BARBECUE)
        self.assertEqual(opened.enterprise.code.name, "重庆渝中大坪山城烧烤店")
        self.assertEqual(opened.warnings, [])
        self.assertEqual(await self.officer.sync().pending_event_count(), 1)
        verdict = await self.enterprise.codes().verify_enforcement_code(opened.enforcement_code.payload, BARBECUE, "500103")
        self.assertEqual(verdict.officer.credential_no, OFFICER)

        with self.assertRaises(ZhifaError.CodeInvalid) as caught:
            await self.officer.codes().open_visit(ENTERPRISE_CODE, None, [], HOTPOT)
        self.assertEqual(str(caught.exception), "该企业不是本次任务的检查对象，请核对。")

    async def test_qr_images_round_trip(self):
        code = await self.officer.codes().enforcement_code(BARBECUE)
        png = qr_png(code.payload, 4)
        self.assertEqual(png[:8], b"\x89PNG\r\n\x1a\n")
        self.assertEqual(decode_qr_image(png), [code.payload])
        self.assertIn("<svg", qr_svg(ENTERPRISE_CODE))

    async def test_credit_codes_are_checked_and_flagged(self):
        info = check_credit_code(" 914403001922038216 ")
        self.assertTrue(info.check_character_valid)
        self.assertEqual(info.division, "440300")
        flagged = check_credit_code("914403001922038217")
        self.assertFalse(flagged.check_character_valid)
        self.assertEqual(flagged.expected_check_character, "6")
        with self.assertRaises(ZhifaError.Validation):
            check_credit_code("123")

    async def test_a_device_without_a_credential_cannot_show_a_code(self):
        with self.assertRaises(ZhifaError.CodeInvalid) as caught:
            await self.enterprise.codes().enforcement_code(None)
        self.assertEqual(str(caught.exception), "本机没有有效的执法凭证，请联网领取当班凭证。")


if __name__ == "__main__":
    unittest.main(verbosity=2)
