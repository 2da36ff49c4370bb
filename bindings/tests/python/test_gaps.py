"""What an app needs besides the case workflow, through the real cdylib: the violations with
their fact questions (used to answer the engine until it suggests), a regulation's article,
the inspection list, evidence by path in and out, and the credential held.

Fixtures (the signed demo bundle, the authority key, the server binary) come from scripts/test.
"""

import datetime
import os
import subprocess
import sys
import tempfile
import unittest

from dates import beijing_today

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import (  # noqa: E402
    CaseEdit,
    CaseKind,
    CheckResult,
    Fact,
    FactKind,
    InspectionEdit,
    InspectionStatus,
    Party,
    PartyKind,
    Task,
)
from zhifa.zhifa_ffi import PenaltyRequest, StoreConfig, ZhifaError, ZhifaStore  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])
TODAY = beijing_today()
OFFICER = "渝50010320021"
PERSON = Party(kind=PartyKind.PERSON, name="张某", credit_code=None, id_number="500103199001011234",
               address="重庆市渝中区解放碑街道", representative=None)


def answer(question):
    """An answer the question's kind allows: no, its smallest number, its first value."""
    kind = question.kind
    if isinstance(kind, FactKind.YES_NO):
        return Fact.FLAG(name=question.key, value=False)
    if isinstance(kind, FactKind.NUMBER):
        return Fact.NUMBER(name=question.key, value=kind.min)
    return Fact.CHOICE(name=question.key, value=kind.values[0].value)


class GapsTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.addCleanup(self.dir.cleanup)
        self.store = await ZhifaStore.open(StoreConfig(directory=self.dir.name, jurisdiction=["500103"], authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))

    async def test_violations_list_their_questions_and_the_answers_lead_to_a_suggestion(self):
        self.assertEqual(await self.store.discretion().violations(), [], "no catalogue yet")
        await self.store.catalogue().apply_bundle(BUNDLE)
        violations = await self.store.discretion().violations()
        self.assertGreaterEqual(len(violations), 10)
        food = next(v for v in violations if v.id == "SP-122")
        self.assertTrue(any("食品安全法" in basis for basis in food.legal_basis))
        party = food.questions[0]
        self.assertEqual(party.key, "party_type")
        self.assertTrue(party.required)
        self.assertIsInstance(party.kind, FactKind.ONE_OF)
        self.assertEqual([v.label for v in party.kind.values], ["公民", "法人或者其他组织"])
        goods = next(q for q in food.questions if q.key == "goods_value")
        self.assertEqual(goods.kind, FactKind.NUMBER(unit="元", min=0))
        self.assertIn("货值", goods.label)

        # The app asks what the engine asks, by the schema's kinds, until it suggests.
        by_key = {q.key: q for q in food.questions}
        facts = [Fact.CHOICE(name="party_type", value="organisation")]
        for _ in range(12):
            suggestion = await self.store.discretion().suggest(PenaltyRequest(
                violation="SP-122", place_division="500103", act_date=TODAY.isoformat(),
                act_ended=None, discovered_on=TODAY.isoformat(), decision_date=TODAY.isoformat(),
                facts=facts))
            if suggestion.outcome is not None:
                break
            for question in suggestion.questions:
                self.assertIn(question.fact, by_key, "the engine asks only what the schema lists")
                facts.append(answer(by_key[question.fact]))
        self.assertIsNotNone(suggestion.outcome)
        self.assertTrue(suggestion.outcome.explanation)

    async def test_an_article_opens_with_its_regulation(self):
        self.assertIsNone(await self.store.catalogue().article("LAW-SPAQF-2021", "126"))
        await self.store.catalogue().apply_bundle(BUNDLE)
        article = await self.store.catalogue().article("LAW-SPAQF-2021", "126")
        self.assertEqual(article.regulation_title, "中华人民共和国食品安全法")
        self.assertEqual(article.number, "第一百二十六条")
        self.assertIsInstance(article.effective, datetime.date)
        self.assertTrue(article.text)
        self.assertEqual(await self.store.catalogue().article("LAW-SPAQF-2021", "第一百二十六条"), article)
        self.assertIsNone(await self.store.catalogue().article("LAW-SPAQF-2021", "第一条"))
        self.assertIsNone(await self.store.catalogue().article("NO-SUCH-LAW", "126"))

    async def test_inspections_list_newest_first_with_their_progress(self):
        await self.store.catalogue().apply_bundle(BUNDLE)
        self.assertEqual(await self.store.inspections().list(), [])
        for n in (1, 2):
            await self.store.inspections().receive_task(Task(
                id=f"YZ-2026-01-0000{n}", plan_id="YZ-2026-01", credit_code="91500103MA5U1A0E5B",
                enterprise_name="重庆渝中大坪山城烧烤店", division="500103",
                officers=["渝50010320001", "渝50010320002"], items=["YZ-SC-002", "YZ-SC-006"]))
        await self.store.inspections().edit("YZ-2026-01-00001", [
            InspectionEdit.RECORD(item="YZ-SC-002", result=CheckResult.NON_COMPLIANT, note="餐具未消毒。"),
        ])
        listed = await self.store.inspections().list()
        self.assertEqual([i.id for i in listed], ["YZ-2026-01-00001", "YZ-2026-01-00002"])
        first = listed[0]
        self.assertEqual(first.status, InspectionStatus.IN_PROGRESS)
        self.assertEqual(first.status_zh, "检查中")
        self.assertEqual((first.items_total, first.items_recorded, first.non_compliant), (2, 1, 1))
        self.assertEqual(first.enterprise_name, "重庆渝中大坪山城烧烤店")
        self.assertEqual(listed[1].status, InspectionStatus.NOT_STARTED)

    async def test_evidence_goes_in_and_out_by_path(self):
        await self.store.catalogue().apply_bundle(BUNDLE)
        case = await self.store.cases().create(CaseKind.ORDINARY, "DQ-116", "500103", TODAY, TODAY)
        await self.store.cases().edit(case.id, [CaseEdit.ADD_PARTY(PERSON)])
        files = tempfile.TemporaryDirectory()
        self.addCleanup(files.cleanup)
        photo = os.path.join(files.name, "IMG_0001.jpg")
        content = bytes(i % 251 for i in range(300_000))
        with open(photo, "wb") as f:
            f.write(content)

        updated = await self.store.evidence().add_file_to_case(case.id, photo, "视听资料", "现场照片", None)
        item = updated.evidence[0]
        self.assertEqual(item.size, len(content))
        out = os.path.join(files.name, "view.jpg")
        self.assertEqual(await self.store.evidence().export_to_file(item.hash, out), len(content))
        self.assertEqual(read(out), content)
        self.assertEqual(os.stat(out).st_mode & 0o077, 0, "the decrypted copy is the app's alone")

        with self.assertRaises(ZhifaError.Validation) as caught:
            await self.store.evidence().add_file_to_case(case.id, files.name, "视听资料", "文件夹", None)
        self.assertIn("不是文件", str(caught.exception))
        with self.assertRaises(ZhifaError.Validation) as caught:
            await self.store.evidence().add_file_to_case(case.id, os.path.join(files.name, "absent.jpg"), "视听资料", "照片", None)
        self.assertIn("无法打开证据文件", str(caught.exception))
        with self.assertRaises(ZhifaError.NotFound):
            await self.store.evidence().add_file_to_case("no-such-case", photo, "视听资料", "照片", None)
        with self.assertRaises(ZhifaError.Validation) as caught:
            await self.store.evidence().export_to_file(item.hash, files.name)
        self.assertIn("不是文件", str(caught.exception))
        with self.assertRaises(ZhifaError.NotFound):
            await self.store.evidence().export_to_file("0" * 64, out)
        self.assertEqual(len((await self.store.cases().get(case.id)).evidence), 1)

    async def test_the_credential_held(self):
        await self.store.catalogue().apply_bundle(BUNDLE)
        self.assertIsNone(await self.store.codes().credential())
        out = os.path.join(self.dir.name, "credential.cose")
        subprocess.run([os.environ["ZHIFA_SERVER_BIN"], "issue-credential", "--officer", OFFICER,
                        "--device-key", self.store.device_public_key().hex(), "--items", "YZ-CG-001",
                        "--out", out], check=True, capture_output=True)
        installed = await self.store.codes().install_credential(read(out))
        held = await self.store.codes().credential()
        self.assertEqual(held.credential_no, OFFICER)
        self.assertEqual(held.name, "周强")
        self.assertEqual(held.items, ["YZ-CG-001"])
        self.assertEqual(held.expires_at, installed.expires_at)
        self.assertGreater(held.expires_at, datetime.datetime.now(datetime.timezone.utc))


if __name__ == "__main__":
    unittest.main(verbosity=2)
