"""Case files through the real cdylib: a summary case and an ordinary case end to end, two
phones merging a case with a conflict to settle, and the legal documents."""

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
    Fact,
    CaseOfficer,
    CaseQuery,
    CaseStatus,
    Step,
    DocumentKind,
    Party,
    PartyKind,
    Service,
    ServiceMethod,
)
from zhifa.zhifa_ffi import (  # noqa: E402
    StoreConfig,
    ZhifaError,
    ZhifaStore,
)


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])
TODAY = beijing_today()
BY = "渝50010320021"
# The city-management body's head (立案审批) and legal reviewer (法制审核) in the demo catalogue.
HEAD = "渝50010320029"
REVIEWER = "渝50010320028"
FILE = Step.FILE(approver=HEAD)

OFFICERS = [
    CaseEdit.ADD_OFFICER(CaseOfficer(credential_no="渝50010320021", name="周强", verified=True, withdrawn=False)),
    CaseEdit.ADD_OFFICER(CaseOfficer(credential_no="渝50010320022", name="吴敏", verified=True, withdrawn=False)),
]
PERSON = Party(kind=PartyKind.PERSON, name="张某", credit_code=None, id_number="500103199001011234",
               address="重庆市渝中区解放碑街道", representative=None)


def facts(**values):
    base = dict(criminal_referral=False, no_fault_proven=False, minor_act=False, removed_harm=False,
                coerced=False, confessed=False, meritorious=False, age=40, capacity="full")
    base.update(values)
    edits = []
    for name, value in base.items():
        if isinstance(value, bool):
            fact = Fact.FLAG(name=name, value=value)
        elif isinstance(value, int):
            fact = Fact.NUMBER(name=name, value=value)
        else:
            fact = Fact.CHOICE(name=name, value=value)
        edits.append(CaseEdit.SET_FACT(fact))
    return edits


class CasesTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dirs = []
        self.phone = await self.open_phone()

    def tearDown(self):
        for d in self.dirs:
            d.cleanup()

    async def open_phone(self):
        d = tempfile.TemporaryDirectory()
        self.dirs.append(d)
        store = await ZhifaStore.open(StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))
        await store.catalogue().apply_bundle(BUNDLE)
        # Every step is taken by the device's credentialed officer: 周强's duty credential.
        out = os.path.join(d.name, "credential.cose")
        subprocess.run([os.environ["ZHIFA_SERVER_BIN"], "issue-credential", "--officer", BY,
                        "--device-key", store.device_public_key().hex(), "--out", out],
                       check=True, capture_output=True)
        await store.codes().install_credential(read(out))
        return store

    async def test_a_summary_case_from_first_tap_to_closing(self):
        p = self.phone
        case = await p.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", TODAY, TODAY)
        await p.cases().edit(case.id, OFFICERS + [CaseEdit.ADD_PARTY(PERSON), CaseEdit.APPEND_FINDINGS("当事人随意倾倒生活垃圾。")]
                       + facts(correction="pending", priors_12m=0))
        outcome = (await p.cases().suggest(case.id)).outcome
        self.assertEqual((outcome.fine.min, outcome.fine.max), (100, 200))
        await p.cases().choose_penalty(case.id, 100, None)
        decided = await p.cases().step(case.id, Step.DECIDE_ON_SPOT())
        self.assertEqual(decided.status, CaseStatus.DECIDED)
        html = await p.cases().render_document(case.id, DocumentKind.SUMMARY_DECISION)
        self.assertIn("当场行政处罚决定书", html)
        self.assertIn("罚款人民币100元", html)
        await p.cases().step(case.id, Step.RECORD_PAYMENT(amount=100))
        closed = await p.cases().step(case.id, Step.CLOSE())
        self.assertEqual(closed.status, CaseStatus.CLOSED)
        self.assertEqual(len(closed.history), 3)

    async def test_a_step_out_of_place_is_refused_in_chinese_with_its_article(self):
        p = self.phone
        case = await p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500103", TODAY, TODAY)
        await p.cases().edit(case.id, OFFICERS)
        with self.assertRaises(ZhifaError.StepRefused) as caught:
            await p.cases().step(case.id, Step.NOTIFY())
        # The rule, where the case stands and where it would have to: the text says it all.
        message = str(caught.exception)
        self.assertTrue(message.startswith("依据《中华人民共和国行政处罚法》第四十四条："), message)
        self.assertIn("案件当前为“新建”，此操作只能在“已立案”或“已告知”或“已听证”时进行", message)
        self.assertFalse(any(c.isascii() and c.isalpha() for c in message), message)
        with self.assertRaises(ZhifaError.StepRefused) as caught:
            await p.cases().step(case.id, Step.DECIDE_ON_SPOT())
        self.assertIn("本案适用普通程序，不能进行此操作", str(caught.exception))

    async def test_an_ordinary_case_end_to_end_with_refused_steps(self):
        p = self.phone
        case = await p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500103", TODAY, TODAY)
        await p.cases().edit(case.id, OFFICERS[:1])
        with self.assertRaises(ZhifaError.StepRefused) as caught:
            await p.cases().step(case.id, FILE)
        self.assertIn("第四十二条：执法人员不得少于两人", str(caught.exception))

        await p.cases().edit(case.id, OFFICERS[1:] + [CaseEdit.ADD_PARTY(PERSON), CaseEdit.APPEND_FINDINGS("当事人在禁止区域内露天烧烤食品。")] + facts(
            first_offence=False, harm="general", correction="refused", priors_12m=0, pollution_alert=False, property_value=300, illegal_gains=0))
        await p.cases().step(case.id, FILE)
        await p.evidence().add_to_case(case.id, b"\xff\xd8photo", "视听资料", "烧烤现场照片", None)
        await p.cases().choose_penalty(case.id, 9000, None)
        await p.cases().step(case.id, Step.NOTIFY())
        self.assertIn("hearing_request", [d.what for d in await p.cases().deadlines(case.id)])
        await p.cases().step(case.id, Step.CLOSE_STATEMENT())
        with self.assertRaises(ZhifaError.StepRefused) as caught:
            await p.cases().step(case.id, Step.DECIDE())
        self.assertIn("须经法制审核通过后方可作出决定", str(caught.exception))
        await p.cases().step(case.id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        decided = await p.cases().step(case.id, Step.DECIDE())
        self.assertEqual(decided.decision.fine, 9000)
        await p.cases().step(case.id, Step.SERVE(service=Service(method=ServiceMethod.DIRECT, served_on=TODAY, recipient="张某", note="")))
        html = await p.cases().render_document(case.id, DocumentKind.PENALTY_DECISION)
        for element in ["行政处罚决定书", "重庆市渝中区城市管理局", "六十日内", "六个月内", "百分之三"]:
            self.assertIn(element, html)
        await p.cases().step(case.id, Step.RECORD_PAYMENT(amount=9000))
        self.assertEqual((await p.cases().step(case.id, Step.CLOSE())).status, CaseStatus.CLOSED)
        listed = await p.cases().list(CaseQuery(status=CaseStatus.CLOSED, credit_code=None, officer=BY, due_by=None,
                                        conflicted_only=False, after_id=None, limit=10))
        self.assertEqual([c.id for c in listed], [case.id])

    async def test_two_phones_merge_and_settle_a_conflict(self):
        a, b = self.phone, await self.open_phone()
        case = await a.cases().create(CaseKind.ORDINARY, "DQ-116", "500103", TODAY, TODAY)
        await a.cases().edit(case.id, OFFICERS + [CaseEdit.ADD_PARTY(PERSON)])
        await b.cases().merge(await a.cases().snapshot(case.id))
        await a.cases().edit(case.id, [CaseEdit.APPEND_FINDINGS("甲：车厢未密闭。")] + facts(harm="general"))
        await b.cases().edit(case.id, [CaseEdit.APPEND_FINDINGS("乙：沿途遗撒约两百米。")] + facts(harm="serious"))
        merged = await a.cases().merge(await b.cases().snapshot(case.id))
        self.assertIn("车厢未密闭", merged.onsite.findings)
        self.assertIn("沿途遗撒", merged.onsite.findings)
        self.assertEqual([c.field for c in merged.conflicts], ["facts.harm"])
        with self.assertRaises(ZhifaError.StepRefused) as caught:
            await a.cases().step(case.id, FILE)
        self.assertIn("两台设备上被改成了不同的值", str(caught.exception))
        settled = await a.cases().edit(case.id, [CaseEdit.RESOLVE(field="facts.harm", value="serious")])
        self.assertEqual(settled.conflicts, [])
        self.assertEqual((await a.cases().step(case.id, FILE)).status, CaseStatus.FILED)

    async def test_unknown_case_is_not_found(self):
        with self.assertRaises(ZhifaError.NotFound):
            await self.phone.cases().get("no-such-case")


if __name__ == "__main__":
    unittest.main(verbosity=2)


class InspectionTest(unittest.IsolatedAsyncioTestCase):
    async def test_a_finding_on_the_checklist_opens_a_case(self):
        from zhifa.zhifa_core import CheckResult, InspectionEdit, Task

        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        phone = await ZhifaStore.open(StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))
        await phone.catalogue().apply_bundle(BUNDLE)
        task = Task(id="YZ-2026-01-00001", plan_id="YZ-2026-01", credit_code="91500103MA5U1A0E5B",
                    enterprise_name="重庆渝中大坪山城烧烤店", division="500103",
                    officers=["渝50010320001", "渝50010320002"], items=["YZ-SC-002", "YZ-SC-006"])
        inspection = await phone.inspections().receive_task(task)
        self.assertEqual(sorted(e.item for e in inspection.checklist), ["YZ-SC-002", "YZ-SC-006"])
        await phone.inspections().edit(task.id, [
            InspectionEdit.RECORD(item="YZ-SC-006", result=CheckResult.COMPLIANT, note=""),
            InspectionEdit.RECORD(item="YZ-SC-002", result=CheckResult.NON_COMPLIANT, note="餐具未消毒。"),
        ])
        case = await phone.inspections().open_case(task.id, "YZ-SC-002")
        self.assertEqual(case.violation, "SP-126-5")
        self.assertEqual(case.parties[0].credit_code, "91500103MA5U1A0E5B")
        self.assertEqual([o.name for o in case.officers], ["李建华", "王芳"])
        self.assertIn("餐具未消毒", case.onsite.findings)
