"""Issue 11 §2 through the real cdylib: refusals cite their article in Chinese, Art. 60's period
and its approved extension, a sector's own period from the catalogue, Art. 61 service records,
the roles approvals need, the device's credentialed officer as the actor of every step, the
audit history of every edit (typed and as CSV), and the decision as exactly the checked choice,
never more than the notice (Arts. 44, 45, 63-64). The day-90/91 and late-service boundaries need
a moved clock and are in core/tests/procedure_rules.rs; here the same boundaries show as the
deadlines' due dates."""

import datetime
import hashlib
import json
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
    CaseOfficer,
    CaseStatus,
    ChosenPenalty,
    DocumentKind,
    Fact,
    OfficerRole,
    Party,
    PartyKind,
    PenaltyKind,
    Service,
    ServiceConsent,
    ServiceMethod,
    Step,
)
from zhifa.zhifa_ffi import StoreConfig, ZhifaError, ZhifaStore  # noqa: E402

SERVER = os.environ["ZHIFA_SERVER_BIN"]
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])
TODAY = beijing_today()
ZHOU, WU = "渝50010320021", "渝50010320022"
HEAD, REVIEWER = "渝50010320029", "渝50010320028"
OTHER_HEAD = "渝50010320009"  # the market-supervision body's head

OFFICERS = [
    CaseEdit.ADD_OFFICER(CaseOfficer(credential_no=ZHOU, name="周强", verified=True, withdrawn=False)),
    CaseEdit.ADD_OFFICER(CaseOfficer(credential_no=WU, name="吴敏", verified=True, withdrawn=False)),
]
PERSON = Party(kind=PartyKind.PERSON, name="张某", credit_code=None, id_number="500103199001011234",
               address="重庆市渝中区解放碑街道", representative=None)


def day(offset):
    return TODAY + datetime.timedelta(days=offset)


def fact(name, value):
    if isinstance(value, bool):
        return CaseEdit.SET_FACT(Fact.FLAG(name=name, value=value))
    if isinstance(value, int):
        return CaseEdit.SET_FACT(Fact.NUMBER(name=name, value=value))
    return CaseEdit.SET_FACT(Fact.CHOICE(name=name, value=value))


def barbecue():
    """Two officers, a citizen, an open-air barbecue that went on after an order."""
    values = dict(criminal_referral=False, no_fault_proven=False, minor_act=False, removed_harm=False,
                  coerced=False, confessed=False, meritorious=False, age=40, capacity="full",
                  first_offence=False, harm="general", correction="refused", priors_12m=0,
                  pollution_alert=False, property_value=300, illegal_gains=0)
    return (OFFICERS + [CaseEdit.ADD_PARTY(PERSON)] + [fact(k, v) for k, v in values.items()]
            + [CaseEdit.APPEND_FINDINGS("现场检查发现露天烧烤。")])


COMPANY = Party(kind=PartyKind.ORGANISATION, name="重庆渝中解放碑老码头火锅餐饮有限公司",
                credit_code="91500103MA5U1A0B2Y", id_number=None,
                address="重庆市渝中区解放碑民族路88号", representative="陈大明")


def company_facts(harm):
    values = dict(criminal_referral=False, no_fault_proven=False, minor_act=False, removed_harm=False,
                  coerced=False, confessed=False, meritorious=False, first_offence=False,
                  harm=harm, correction="refused", priors_12m=0, illegal_gains=1000)
    return [fact(k, v) for k, v in values.items()]


def chinese(text):
    return not any(c.isascii() and (c.isalpha() or c == "_") for c in text)


class LawfulProcedureTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.dirs = []

    def tearDown(self):
        for d in self.dirs:
            d.cleanup()

    def tempdir(self):
        d = tempfile.TemporaryDirectory()
        self.dirs.append(d)
        return d.name

    async def phone(self, officer=ZHOU, bundle=BUNDLE, authority=AUTHORITY, data_dir=None):
        """A phone holding the catalogue and, unless `officer` is None, that officer's credential."""
        directory = self.tempdir()
        store = await ZhifaStore.open(StoreConfig(directory=directory, jurisdiction=["500103"],
                                            authority_keys=[authority], passphrase="zhifa-test", light_kdf_for_tests=True))
        await store.catalogue().apply_bundle(bundle)
        if officer:
            out = os.path.join(directory, "credential.cose")
            env = dict(os.environ, **({"ZHIFA_DATA_DIR": data_dir} if data_dir else {}))
            subprocess.run([SERVER, "issue-credential", "--officer", officer,
                            "--device-key", store.device_public_key().hex(), "--out", out],
                           check=True, capture_output=True, env=env)
            await store.codes().install_credential(read(out))
        return store

    async def refusal(self, call, article, reason):
        """The step `call` makes is refused by the rule at `article` (any, when None) for
        `reason`: all of it in the one text the officer reads."""
        with self.assertRaises(ZhifaError.StepRefused) as caught:
            await call()
        message = str(caught.exception)
        self.assertTrue(message.startswith(f"依据《中华人民共和国行政处罚法》{article or '第'}"), message)
        self.assertIn(reason, message)
        self.assertTrue(chinese(message), message)
        return message

    async def filed(self, p):
        case = await p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(-3), day(0))
        await p.cases().edit(case.id, barbecue())
        await p.cases().choose_penalty(case.id, 12000, None)
        await p.cases().step(case.id, Step.FILE(approver=HEAD))
        return case.id

    async def test_a_decision_never_adds_to_the_notice(self):
        p = await self.phone()
        case = await p.cases().create(CaseKind.ORDINARY, "SCZT-43", "500103", day(-3), day(0))
        await p.cases().edit(case.id, OFFICERS + [CaseEdit.ADD_PARTY(COMPANY)] + company_facts("general")
                       + [CaseEdit.APPEND_FINDINGS("现场检查发现无照经营。"),
                          CaseEdit.SET_ONSITE(time="2026-01-05 10:00", place="重庆市渝中区民族路88号",
                                              party_signed=True)])
        plain = ChosenPenalty(kinds=[PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS], fine=40000,
                              confiscated_gains=1000)
        await p.cases().choose(case.id, plain)
        await p.cases().step(case.id, Step.FILE(approver=HEAD))
        notified = await p.cases().step(case.id, Step.NOTIFY())
        self.assertEqual(notified.procedure.notice.penalty, plain)
        # No status guard on an edit: the facts are made heavier after the notice.
        await p.cases().edit(case.id, [fact("harm", "serious")])
        await p.cases().step(case.id, Step.CLOSE_STATEMENT())
        await p.cases().step(case.id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        await p.cases().step(case.id, Step.RECORD_COLLECTIVE_DECISION(chair=HEAD))
        await self.refusal(lambda: p.cases().step(case.id, Step.DECIDE()), "第四十四条", "事先告知后案件情节发生变化")
        # Closure added to the old notice is refused at the decision (Art. 45 first: an
        # added kind), so the officer chooses it and notifies again with the hearing right.
        outcome = (await p.cases().suggest(case.id)).outcome
        self.assertEqual(outcome.other, [PenaltyKind.ORDER_CLOSURE])
        closure = ChosenPenalty(kinds=[PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS,
                                       PenaltyKind.ORDER_CLOSURE],
                                fine=outcome.fine.min, confiscated_gains=1000)
        await p.cases().choose(case.id, closure)
        again = await p.cases().step(case.id, Step.NOTIFY())
        self.assertTrue(again.procedure.notice.hearing_offered)
        notice = await p.cases().render_document(case.id, DocumentKind.NOTICE_OF_INTENDED_PENALTY)
        self.assertIn("责令关闭", notice)
        # The same-day statement closed under the first notice does not close this one's.
        await self.refusal(lambda: p.cases().step(case.id, Step.DECIDE()), None, "陈述、申辩期限未满")
        await p.cases().step(case.id, Step.CLOSE_STATEMENT())
        decided = await p.cases().step(case.id, Step.DECIDE())
        self.assertEqual(decided.decision.other, [PenaltyKind.ORDER_CLOSURE])
        self.assertEqual((decided.decision.fine, decided.decision.confiscated_gains),
                         (outcome.fine.min, 1000))
        html = await p.cases().render_document(case.id, DocumentKind.PENALTY_DECISION)
        self.assertIn("责令关闭", html)
        self.assertNotIn("OrderClosure", html)


    async def test_without_a_duty_credential_no_step_is_taken(self):
        p = await self.phone(officer=None)
        case = await p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        await p.cases().edit(case.id, barbecue())
        await self.refusal(lambda: p.cases().step(case.id, Step.FILE(approver=HEAD)), "第四十二条", "本机未持有有效的执法证件")
        # A credentialed officer of the body who does not work this case is refused too.
        stranger = await self.phone(officer=HEAD)
        other = await stranger.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        await stranger.cases().edit(other.id, barbecue())
        await self.refusal(lambda: stranger.cases().step(other.id, Step.FILE(approver=HEAD)), None, "不是本案的执法人员")

    async def test_approvals_need_the_role_in_the_officers_body(self):
        p = await self.phone()
        case = await p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        await p.cases().edit(case.id, barbecue())
        for who in (ZHOU, WU, REVIEWER, "渝00000000000"):
            await self.refusal(lambda: p.cases().step(case.id, Step.FILE(approver=who)), "第五十四条", "未被授予")
        await self.refusal(lambda: p.cases().step(case.id, Step.FILE(approver=OTHER_HEAD)), None, "不属于本案的执法主体")
        filed = await p.cases().step(case.id, Step.FILE(approver=HEAD))
        self.assertEqual(filed.status, CaseStatus.FILED)
        self.assertEqual([(a.role, a.name, a.recorded_by) for a in filed.approvals],
                         [(OfficerRole.FILING_APPROVAL, "罗志刚", ZHOU)])
        self.assertEqual(filed.history[-1].step_zh, "立案")
        await self.refusal(lambda: p.cases().step(case.id, Step.PASS_LEGAL_REVIEW(reviewer=HEAD)), "第五十八条", "未被授予")
        await self.refusal(lambda: p.cases().step(case.id, Step.RECORD_COLLECTIVE_DECISION(chair=REVIEWER)), "第五十七条", "未被授予")
        await p.cases().step(case.id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        done = await p.cases().step(case.id, Step.RECORD_COLLECTIVE_DECISION(chair=HEAD))
        self.assertEqual(len(done.approvals), 3)

    async def test_art_60_the_period_and_an_approved_extension(self):
        p = await self.phone()
        case_id = await self.filed(p)
        decision = [d for d in await p.cases().deadlines(case_id) if d.what == "decision"][0]
        # Day 90 is the last day to decide; today it is neither overdue nor due soon.
        self.assertEqual(decision.due, day(90))
        self.assertEqual(decision.label, "作出处罚决定期限")
        self.assertFalse(decision.overdue)

        def extend(approver, until, reason="案情复杂，需补充鉴定"):
            return Step.EXTEND_DECISION_PERIOD(approver=approver, until=until, reason=reason)

        await self.refusal(lambda: p.cases().step(case_id, extend(HEAD, day(90))), "第六十条", "延长后的期限应晚于现有期限")
        await self.refusal(lambda: p.cases().step(case_id, extend(HEAD, day(120), " ")), None, "尚未填写：")
        await self.refusal(lambda: p.cases().step(case_id, extend(REVIEWER, day(120))), None, "未被授予")
        await self.refusal(lambda: p.cases().step(case_id, extend(OTHER_HEAD, day(120))), None, "不属于本案的执法主体")
        extended = await p.cases().step(case_id, extend(HEAD, day(91)))
        record = extended.extensions[0]
        self.assertEqual((record.approved_by, record.approver_name, record.until, record.approved_on),
                         (HEAD, "罗志刚", day(91), day(0)))
        decision = [d for d in await p.cases().deadlines(case_id) if d.what == "decision"][0]
        self.assertEqual(decision.due, day(91))

    async def test_art_60_a_sectors_own_period_from_the_catalogue(self):
        data_dir = self.tempdir()
        env = dict(os.environ, ZHIFA_DATA_DIR=data_dir)
        with open(os.path.join(REPO, "data", "demo", "catalogue.json"), encoding="utf-8") as f:
            catalogue = json.load(f)
        item = [v["item_code"] for v in catalogue["violations"] if v["code"] == "DQ-118-3"][0]
        for entry in catalogue["items"]:
            if entry["code"] == item:
                entry["decision_days"] = 60
        path = os.path.join(data_dir, "catalogue.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(catalogue, f, ensure_ascii=False)
        key = os.path.join(data_dir, "authority.key")
        bundle = os.path.join(data_dir, "sector.bundle")
        for command in (["keygen", "--out", key],
                        ["agency-keygen", "--agency", "B500103003", "--purpose", "duty-credential",
                         "--divisions", "500103"],
                        ["publish", "--catalogue", path],
                        ["export-bundle", "--authority-key", key, "--scope", "500103", "--out", bundle]):
            subprocess.run([SERVER] + command, check=True, capture_output=True, env=env)
        p = await self.phone(bundle=read(bundle), authority=read(key + ".pub.der"), data_dir=data_dir)
        case_id = await self.filed(p)
        decision = [d for d in await p.cases().deadlines(case_id) if d.what == "decision"][0]
        self.assertEqual(decision.due, day(60))

    async def decided(self, p):
        case_id = await self.filed(p)
        await p.cases().step(case_id, Step.NOTIFY())
        await p.cases().step(case_id, Step.CLOSE_STATEMENT())
        await p.cases().step(case_id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        await p.cases().step(case_id, Step.RECORD_COLLECTIVE_DECISION(chair=HEAD))
        self.assertEqual((await p.cases().step(case_id, Step.DECIDE())).status, CaseStatus.DECIDED)
        return case_id

    async def test_art_61_service_is_recorded_how_when_to_whom_and_by_whom(self):
        p = await self.phone()
        case_id = await self.decided(p)
        waiting = [d for d in await p.cases().deadlines(case_id) if d.what == "service"]
        self.assertEqual(len(waiting), 1)
        self.assertEqual(waiting[0].label, "送达处罚决定书期限")
        # Seven working days: at least nine calendar days when a weekend falls in between.
        self.assertGreaterEqual(waiting[0].due, TODAY + datetime.timedelta(days=7))

        def serve(method, served_on=day(0), recipient="张某", note=""):
            return Step.SERVE(service=Service(method=method, served_on=served_on, recipient=recipient, note=note))

        await self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.ELECTRONIC)), "第六十一条", "电子送达须经当事人同意并签署确认书")
        await self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.LODGED)), None, "尚未填写：")
        await self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.DIRECT, recipient="")), None, "尚未填写：")
        await self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.DIRECT, day(1))), None, "送达日期应在作出决定之日")
        await self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.DIRECT, day(-1))), None, "送达日期应在作出决定之日")
        # With the signed consent form as evidence, electronic service is lawful.
        with self.assertRaises(ZhifaError.Validation):
            await p.cases().edit(case_id, [CaseEdit.RECORD_SERVICE_CONSENT(
                ServiceConsent(address="zhang@example.cn", evidence_hash="00"))])
        form = await p.evidence().add_to_case(case_id, b"signed consent", "书证", "电子送达确认书", None)
        await p.cases().edit(case_id, [CaseEdit.RECORD_SERVICE_CONSENT(
            ServiceConsent(address="zhang@example.cn", evidence_hash=form.evidence[-1].hash))])
        served = await p.cases().step(case_id, serve(ServiceMethod.ELECTRONIC))
        record = served.services[0]
        self.assertEqual((record.method, record.served_on, record.recipient, record.served_by, record.served_by_name,
                          record.late), (ServiceMethod.ELECTRONIC, day(0), "张某", ZHOU, "周强", False))
        self.assertEqual(served.status, CaseStatus.SERVED)
        self.assertEqual([d for d in await p.cases().deadlines(case_id) if d.what == "service"], [])

    async def test_a_summary_decision_is_handed_over_on_the_spot(self):
        p = await self.phone()
        case = await p.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", day(-1), day(0))
        await p.cases().edit(case.id, barbecue() + [fact("correction", "pending")])
        await p.cases().choose_penalty(case.id, 150, None)
        decided = await p.cases().step(case.id, Step.DECIDE_ON_SPOT())
        record = decided.services[0]
        self.assertEqual((record.method, record.served_on, record.recipient, record.served_by),
                         (ServiceMethod.ON_THE_SPOT, day(0), "张某", ZHOU))

    async def test_the_audit_history_keeps_every_officers_edits_across_a_merge(self):
        a, b = await self.phone(ZHOU), await self.phone(WU)
        case = await a.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        await a.cases().edit(case.id, barbecue())
        await b.cases().merge(await a.cases().snapshot(case.id))
        await a.cases().edit(case.id, [fact("harm", "slight")])
        await b.cases().edit(case.id, [fact("harm", "serious")])
        merged = await a.cases().merge(await b.cases().snapshot(case.id))
        self.assertEqual([c.label for c in merged.conflicts], ["案件情节（危害后果程度：无、轻微、一般还是严重）"])
        await self.refusal(lambda: a.cases().step(case.id, Step.FILE(approver=HEAD)), None, "两台设备上被改成了不同的值")
        await a.cases().edit(case.id, [CaseEdit.RESOLVE(field="facts.harm", value="serious")])
        history = await a.cases().history(case.id)
        self.assertEqual(history[0].credential_no, ZHOU)
        wu = [e for e in history if e.credential_no == WU and e.field == "facts.harm"]
        self.assertEqual([(e.value, e.officer_name) for e in wu], [("严重", "吴敏")])
        # The device is named by its key id: the first 8 bytes of SHA-256 of its public key.
        self.assertEqual(wu[0].device, hashlib.sha256(b.device_public_key()).digest()[:8].hex())
        settled = [e for e in history if e.resolved]
        self.assertEqual([(e.field, e.value, e.credential_no) for e in settled], [("facts.harm", "严重", ZHOU)])
        self.assertIn("年", settled[0].at_zh)
        csv = await a.cases().history_csv(case.id)
        lines = csv.lstrip("\ufeff").splitlines()
        self.assertEqual(lines[0], "时间（北京时间）,执法人员,执法证号,设备,时间来源,操作,内容,值")
        self.assertEqual(len(lines), len(history) + 1)
        self.assertIn("确认冲突取值", csv)


if __name__ == "__main__":
    unittest.main(verbosity=2)
