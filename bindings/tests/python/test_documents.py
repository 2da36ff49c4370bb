"""The legal documents through the real cdylib: every particular a person must read, filled
from the case; a document the case does not support yet is a typed refusal naming the article
and what is missing, in zh-CN; no English on any page."""

import os
import re
import subprocess
import sys
import tempfile
import unittest

from dates import beijing_today

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import (  # noqa: E402
    CaseEdit,
    CaseKind,
    CaseOfficer,
    DocumentKind,
    Fact,
    Party,
    PartyKind,
    Service,
    ServiceMethod,
    Step,
)
from zhifa.zhifa_ffi import (  # noqa: E402
    StoreConfig,
    ZhifaError,
    ZhifaStore,
    document_kinds,
)


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])
TODAY = beijing_today()
BY = "渝50010320021"
HEAD, REVIEWER = "渝50010320029", "渝50010320028"  # the body's filing approver and legal reviewer
SERVER = os.environ["ZHIFA_SERVER_BIN"]
OFFICERS = [
    CaseEdit.ADD_OFFICER(CaseOfficer(credential_no="渝50010320021", name="周强", verified=True, withdrawn=False)),
    CaseEdit.ADD_OFFICER(CaseOfficer(credential_no="渝50010320022", name="吴敏", verified=True, withdrawn=False)),
]
PERSON = Party(kind=PartyKind.PERSON, name="张某", credit_code=None, id_number="500103199001011234",
               address="重庆市渝中区解放碑街道", representative=None)
FINDINGS = "当事人在解放碑步行街禁止露天烧烤区域内露天烧烤食品，经劝阻拒不停止。"


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


def visible_text(html):
    html = re.sub(r"<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "", html).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def english_in(text):
    """ASCII words a person would read as English or debug output (credit codes and URLs aside)."""
    words = re.findall(r"[A-Za-z0-9:/._-]*[A-Za-z][A-Za-z0-9:/._-]*", text)
    return [w for w in words if not re.fullmatch(r"[0-9A-Z]{18}", w) and not w.startswith("http")]


class DocumentsTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.phone = await ZhifaStore.open(StoreConfig(directory=self.dir.name, jurisdiction=["500103"],
                                                 authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))
        await self.phone.catalogue().apply_bundle(BUNDLE)
        # Steps are taken by the device's credentialed officer: 周强 is on duty.
        out = os.path.join(self.dir.name, "credential.cose")
        subprocess.run([SERVER, "issue-credential", "--officer", BY,
                        "--device-key", self.phone.device_public_key().hex(), "--out", out],
                       check=True, capture_output=True)
        await self.phone.codes().install_credential(read(out))

    def tearDown(self):
        self.dir.cleanup()

    async def refused(self, case_id, kind, article, lacking):
        """The refusal in the officer's words: which document, the article, what is missing."""
        with self.assertRaises(ZhifaError.DocumentRefused) as caught:
            await self.phone.cases().render_document(case_id, kind)
        message = str(caught.exception)
        self.assertEqual(english_in(message), [], message)
        title = [d.title for d in document_kinds(CaseKind.ORDINARY) + document_kinds(CaseKind.SUMMARY)
                 if d.kind == kind][0]
        self.assertTrue(message.startswith(f"暂不能制作《{title}》："), message)
        self.assertIn(f"依照《中华人民共和国行政处罚法》{article}，案件尚缺{lacking}。", message)
        return message

    async def barbecue(self, fine, reason=None):
        cases = self.phone.cases()
        case = await cases.create(CaseKind.ORDINARY, "DQ-118-3", "500103", TODAY, TODAY)
        onsite = CaseEdit.SET_ONSITE(time="2026-12-01T01:05:00Z", place="重庆市渝中区解放碑步行街",
                                     party_signed=True)
        await cases.edit(case.id, OFFICERS + [CaseEdit.ADD_PARTY(PERSON), CaseEdit.APPEND_FINDINGS(FINDINGS), onsite] + facts(
            first_offence=False, harm="general", correction="refused" if fine >= 10000 else "pending",
            priors_12m=0, pollution_alert=False, property_value=300, illegal_gains=0))
        await cases.step(case.id, Step.FILE(approver=HEAD))
        await self.phone.evidence().add_to_case(case.id, b"\xff\xd8photo", "视听资料", "烧烤现场照片", None)
        await cases.choose_penalty(case.id, fine, reason)
        return case.id

    async def test_the_kinds_a_procedure_produces(self):
        summary = [d.title for d in document_kinds(CaseKind.SUMMARY)]
        self.assertIn("当场行政处罚决定书", summary)
        self.assertNotIn("行政处罚事先告知书", summary)
        ordinary = [d.title for d in document_kinds(CaseKind.ORDINARY)]
        self.assertEqual(len(ordinary), 14)
        self.assertEqual(ordinary[0], "立案审批表")
        self.assertIn("现场检查（勘验）笔录", ordinary)

    async def test_a_summary_decision_and_the_ordinary_documents_it_refuses(self):
        cases = self.phone.cases()
        case = await cases.create(CaseKind.SUMMARY, "GF-111-C", "500103", TODAY, TODAY)
        await cases.edit(case.id, OFFICERS + [CaseEdit.ADD_PARTY(PERSON),
                                        CaseEdit.APPEND_FINDINGS("当事人在较场口随意倾倒生活垃圾。"),
                                        CaseEdit.SET_ONSITE(time="2026-12-01T01:05:00Z", place="重庆市渝中区较场口",
                                                            party_signed=True)]
                   + facts(correction="pending", priors_12m=0))
        await cases.choose_penalty(case.id, 100, None)
        await self.refused(case.id, DocumentKind.SUMMARY_DECISION, "第五十二条", "处罚决定")
        await cases.step(case.id, Step.DECIDE_ON_SPOT())
        html = await cases.render_document(case.id, DocumentKind.SUMMARY_DECISION)
        for particular in ["违法时间：2026年12月1日09时05分", "违法地点：重庆市渝中区较场口", "罚款人民币100元",
                           "重庆市渝中区人民政府", "重庆市渝中区人民法院", "执法证号：渝50010320022",
                           "当事人拒绝签收的", "重庆市渝中区城市管理局（印章）"]:
            self.assertIn(particular, html)
        message = await self.refused(case.id, DocumentKind.NOTICE_OF_INTENDED_PENALTY, "第五十一条",
                                     "普通程序（本案适用简易程序，不制作此文书）")
        self.assertIn("《行政处罚事先告知书》", message)
        for info in document_kinds(CaseKind.SUMMARY):
            try:
                page = await cases.render_document(case.id, info.kind)
            except ZhifaError.DocumentRefused:
                continue
            self.assertEqual(english_in(visible_text(page)), [], info.title)

    async def test_the_hearing_right_from_the_threshold(self):
        below = await self.barbecue(4999, "依据现场情节")
        at = await self.barbecue(5000, "依据现场情节")
        for case_id in (below, at):
            await self.phone.cases().step(case_id, Step.NOTIFY())
        below_notice = await self.phone.cases().render_document(below, DocumentKind.NOTICE_OF_INTENDED_PENALTY)
        self.assertIn("陈述和申辩", below_notice)
        self.assertIn("个工作日内）提出", below_notice)
        self.assertNotIn("有权要求举行听证", below_notice)
        await self.refused(below, DocumentKind.HEARING_RIGHT_NOTICE, "第六十三条",
                           "听证权利（拟作出的处罚不属于听证范围）")
        at_notice = await self.phone.cases().render_document(at, DocumentKind.NOTICE_OF_INTENDED_PENALTY)
        self.assertIn("有权要求举行听证", at_notice)
        self.assertIn("罚款人民币5000元", await self.phone.cases().render_document(at, DocumentKind.HEARING_RIGHT_NOTICE))

    async def test_an_ordinary_decision_states_every_particular_of_article_59(self):
        cases = self.phone.cases()
        case_id = await self.barbecue(12000)
        await self.refused(case_id, DocumentKind.PENALTY_DECISION, "第五十九条", "处罚决定")
        await cases.step(case_id, Step.NOTIFY())
        await cases.step(case_id, Step.CLOSE_STATEMENT())
        await cases.step(case_id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        await cases.step(case_id, Step.DECIDE())
        await cases.step(case_id, Step.SERVE(service=Service(method=ServiceMethod.DIRECT, served_on=TODAY,
                                                        recipient="张某", note="本人签收")))
        html = await cases.render_document(case_id, DocumentKind.PENALTY_DECISION)
        for particular in ["当事人：张某", "住址：重庆市渝中区解放碑街道", FINDINGS, "烧烤现场照片", "罚款人民币12000元",
                           "十五日内", "3100020109024588003", "六十日内向重庆市渝中区人民政府申请行政复议",
                           "六个月内依法向重庆市渝中区人民法院提起行政诉讼", "重庆市渝中区城市管理局（印章）"]:
            self.assertIn(particular, html)
        self.assertNotIn("见现场检查笔录", html)
        # The blanks filled from the case: the recorded service, the approver, the reviewer.
        receipt = await cases.render_document(case_id, DocumentKind.SERVICE_RECEIPT)
        for particular in ["直接送达", "签收人", "张某", "周强（执法证号：渝50010320021）", "本人签收"]:
            self.assertIn(particular, receipt)
        self.assertNotIn("直接送达／留置送达", receipt)
        filing = await cases.render_document(case_id, DocumentKind.FILING_APPROVAL)
        self.assertIn("同意立案。　审批人：罗志刚（执法证号：渝50010320029）", filing)
        review = await cases.render_document(case_id, DocumentKind.LEGAL_REVIEW_OPINION)
        self.assertIn("执法证号：渝50010320028", review)
        evidence = await cases.render_document(case_id, DocumentKind.EVIDENCE_LIST)
        self.assertIn("现场检查（勘验）笔录（2026年12月1日09时05分，重庆市渝中区解放碑步行街）", evidence)
        for info in document_kinds(CaseKind.ORDINARY):
            try:
                page = await cases.render_document(case_id, info.kind)
            except ZhifaError.DocumentRefused as refused:
                self.assertIn("案件尚缺", str(refused), info.title)
                continue
            self.assertIn(info.title, page)
            self.assertEqual(english_in(visible_text(page)), [], info.title)


if __name__ == "__main__":
    unittest.main()
