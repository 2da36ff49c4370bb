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
    RefusalKind,
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
    return (TODAY + datetime.timedelta(days=offset)).isoformat()


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


class LawfulProcedureTest(unittest.TestCase):
    def setUp(self):
        self.dirs = []

    def tearDown(self):
        for d in self.dirs:
            d.cleanup()

    def tempdir(self):
        d = tempfile.TemporaryDirectory()
        self.dirs.append(d)
        return d.name

    def phone(self, officer=ZHOU, bundle=BUNDLE, authority=AUTHORITY, data_dir=None):
        """A phone holding the catalogue and, unless `officer` is None, that officer's credential."""
        directory = self.tempdir()
        store = ZhifaStore.open(StoreConfig(directory=directory, jurisdiction=["500103"],
                                            authority_keys=[authority], passphrase="zhifa-test", light_kdf_for_tests=True))
        store.catalogue().apply_bundle(bundle)
        if officer:
            out = os.path.join(directory, "credential.cose")
            env = dict(os.environ, **({"ZHIFA_DATA_DIR": data_dir} if data_dir else {}))
            subprocess.run([SERVER, "issue-credential", "--officer", officer,
                            "--device-key", store.device_public_key().hex(), "--out", out],
                           check=True, capture_output=True, env=env)
            store.codes().install_credential(read(out))
        return store

    def refusal(self, call):
        with self.assertRaises(ZhifaError.StepRefused) as caught:
            call()
        message = caught.exception.user_message
        self.assertTrue(message.startswith("依据《中华人民共和国行政处罚法》第"), message)
        self.assertTrue(chinese(message), message)
        return caught.exception.refusal

    def filed(self, p):
        case = p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(-3), day(0))
        p.cases().edit(case.id, barbecue())
        p.cases().choose_penalty(case.id, 12000, None)
        p.cases().step(case.id, Step.FILE(approver=HEAD))
        return case.id

    def test_a_decision_never_adds_to_the_notice(self):
        p = self.phone()
        case = p.cases().create(CaseKind.ORDINARY, "SCZT-43", "500103", day(-3), day(0))
        p.cases().edit(case.id, OFFICERS + [CaseEdit.ADD_PARTY(COMPANY)] + company_facts("general")
                       + [CaseEdit.APPEND_FINDINGS("现场检查发现无照经营。"),
                          CaseEdit.SET_ONSITE(time="2026-01-05 10:00", place="重庆市渝中区民族路88号",
                                              party_signed=True)])
        plain = ChosenPenalty(kinds=[PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS], fine=40000,
                              confiscated_gains=1000)
        p.cases().choose(case.id, plain)
        p.cases().step(case.id, Step.FILE(approver=HEAD))
        notified = p.cases().step(case.id, Step.NOTIFY())
        self.assertEqual(notified.procedure.notice.penalty, plain)
        # No status guard on an edit: the facts are made heavier after the notice.
        p.cases().edit(case.id, [fact("harm", "serious")])
        p.cases().step(case.id, Step.CLOSE_STATEMENT())
        p.cases().step(case.id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        p.cases().step(case.id, Step.RECORD_COLLECTIVE_DECISION(chair=HEAD))
        refusal = self.refusal(lambda: p.cases().step(case.id, Step.DECIDE()))
        self.assertEqual((refusal.kind, refusal.article),
                         (RefusalKind.FACTS_CHANGED_AFTER_NOTICE, "第四十四条"))
        # Closure added to the old notice is refused at the decision (Art. 45 first: an
        # added kind), so the officer chooses it and notifies again with the hearing right.
        outcome = p.cases().suggest(case.id).outcome
        self.assertEqual(outcome.other, [PenaltyKind.ORDER_CLOSURE])
        closure = ChosenPenalty(kinds=[PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS,
                                       PenaltyKind.ORDER_CLOSURE],
                                fine=outcome.fine.min, confiscated_gains=1000)
        p.cases().choose(case.id, closure)
        again = p.cases().step(case.id, Step.NOTIFY())
        self.assertTrue(again.procedure.notice.hearing_offered)
        notice = p.cases().render_document(case.id, DocumentKind.NOTICE_OF_INTENDED_PENALTY)
        self.assertIn("责令关闭", notice)
        # The same-day statement closed under the first notice does not close this one's.
        refusal = self.refusal(lambda: p.cases().step(case.id, Step.DECIDE()))
        self.assertEqual(refusal.kind, RefusalKind.STATEMENT_PERIOD_OPEN)
        p.cases().step(case.id, Step.CLOSE_STATEMENT())
        decided = p.cases().step(case.id, Step.DECIDE())
        self.assertEqual(decided.decision.other, [PenaltyKind.ORDER_CLOSURE])
        self.assertEqual((decided.decision.fine, decided.decision.confiscated_gains),
                         (outcome.fine.min, 1000))
        html = p.cases().render_document(case.id, DocumentKind.PENALTY_DECISION)
        self.assertIn("责令关闭", html)
        self.assertNotIn("OrderClosure", html)


    def test_without_a_duty_credential_no_step_is_taken(self):
        p = self.phone(officer=None)
        case = p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        p.cases().edit(case.id, barbecue())
        refusal = self.refusal(lambda: p.cases().step(case.id, Step.FILE(approver=HEAD)))
        self.assertEqual((refusal.kind, refusal.article), (RefusalKind.NO_DUTY_CREDENTIAL, "第四十二条"))
        # A credentialed officer of the body who does not work this case is refused too.
        stranger = self.phone(officer=HEAD)
        other = stranger.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        stranger.cases().edit(other.id, barbecue())
        refusal = self.refusal(lambda: stranger.cases().step(other.id, Step.FILE(approver=HEAD)))
        self.assertEqual(refusal.kind, RefusalKind.NOT_A_CASE_OFFICER)

    def test_approvals_need_the_role_in_the_officers_body(self):
        p = self.phone()
        case = p.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        p.cases().edit(case.id, barbecue())
        for who in (ZHOU, WU, REVIEWER, "渝00000000000"):
            refusal = self.refusal(lambda: p.cases().step(case.id, Step.FILE(approver=who)))
            self.assertEqual((refusal.kind, refusal.article), (RefusalKind.APPROVER_LACKS_ROLE, "第五十四条"))
        refusal = self.refusal(lambda: p.cases().step(case.id, Step.FILE(approver=OTHER_HEAD)))
        self.assertEqual(refusal.kind, RefusalKind.APPROVER_OF_OTHER_BODY)
        filed = p.cases().step(case.id, Step.FILE(approver=HEAD))
        self.assertEqual(filed.status, CaseStatus.FILED)
        self.assertEqual([(a.role, a.name, a.recorded_by) for a in filed.approvals],
                         [(OfficerRole.FILING_APPROVAL, "罗志刚", ZHOU)])
        self.assertEqual(filed.history[-1].step_zh, "立案")
        refusal = self.refusal(lambda: p.cases().step(case.id, Step.PASS_LEGAL_REVIEW(reviewer=HEAD)))
        self.assertEqual((refusal.kind, refusal.article), (RefusalKind.APPROVER_LACKS_ROLE, "第五十八条"))
        refusal = self.refusal(lambda: p.cases().step(case.id, Step.RECORD_COLLECTIVE_DECISION(chair=REVIEWER)))
        self.assertEqual((refusal.kind, refusal.article), (RefusalKind.APPROVER_LACKS_ROLE, "第五十七条"))
        p.cases().step(case.id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        done = p.cases().step(case.id, Step.RECORD_COLLECTIVE_DECISION(chair=HEAD))
        self.assertEqual(len(done.approvals), 3)

    def test_art_60_the_period_and_an_approved_extension(self):
        p = self.phone()
        case_id = self.filed(p)
        decision = [d for d in p.cases().deadlines(case_id) if d.what == "decision"][0]
        # Day 90 is the last day to decide; today it is neither overdue nor due soon.
        self.assertEqual(decision.due, day(90))
        self.assertEqual(decision.label, "作出处罚决定期限")
        self.assertFalse(decision.overdue)

        def extend(approver, until, reason="案情复杂，需补充鉴定"):
            return Step.EXTEND_DECISION_PERIOD(approver=approver, until=until, reason=reason)

        refusal = self.refusal(lambda: p.cases().step(case_id, extend(HEAD, day(90))))
        self.assertEqual((refusal.kind, refusal.article), (RefusalKind.EXTENSION_NOT_LATER, "第六十条"))
        self.assertEqual(self.refusal(lambda: p.cases().step(case_id, extend(HEAD, day(120), " "))).kind,
                         RefusalKind.MISSING_PARTICULARS)
        self.assertEqual(self.refusal(lambda: p.cases().step(case_id, extend(REVIEWER, day(120)))).kind,
                         RefusalKind.APPROVER_LACKS_ROLE)
        self.assertEqual(self.refusal(lambda: p.cases().step(case_id, extend(OTHER_HEAD, day(120)))).kind,
                         RefusalKind.APPROVER_OF_OTHER_BODY)
        extended = p.cases().step(case_id, extend(HEAD, day(91)))
        record = extended.extensions[0]
        self.assertEqual((record.approved_by, record.approver_name, record.until, record.approved_on),
                         (HEAD, "罗志刚", day(91), day(0)))
        decision = [d for d in p.cases().deadlines(case_id) if d.what == "decision"][0]
        self.assertEqual(decision.due, day(91))

    def test_art_60_a_sectors_own_period_from_the_catalogue(self):
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
        p = self.phone(bundle=read(bundle), authority=read(key + ".pub.der"), data_dir=data_dir)
        case_id = self.filed(p)
        decision = [d for d in p.cases().deadlines(case_id) if d.what == "decision"][0]
        self.assertEqual(decision.due, day(60))

    def decided(self, p):
        case_id = self.filed(p)
        p.cases().step(case_id, Step.NOTIFY())
        p.cases().step(case_id, Step.CLOSE_STATEMENT())
        p.cases().step(case_id, Step.PASS_LEGAL_REVIEW(reviewer=REVIEWER))
        p.cases().step(case_id, Step.RECORD_COLLECTIVE_DECISION(chair=HEAD))
        self.assertEqual(p.cases().step(case_id, Step.DECIDE()).status, CaseStatus.DECIDED)
        return case_id

    def test_art_61_service_is_recorded_how_when_to_whom_and_by_whom(self):
        p = self.phone()
        case_id = self.decided(p)
        waiting = [d for d in p.cases().deadlines(case_id) if d.what == "service"]
        self.assertEqual(len(waiting), 1)
        self.assertEqual(waiting[0].label, "送达处罚决定书期限")
        # Seven working days: at least nine calendar days when a weekend falls in between.
        self.assertGreaterEqual(datetime.date.fromisoformat(waiting[0].due), TODAY + datetime.timedelta(days=7))

        def serve(method, served_on=day(0), recipient="张某", note=""):
            return Step.SERVE(service=Service(method=method, served_on=served_on, recipient=recipient, note=note))

        refusal = self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.ELECTRONIC)))
        self.assertEqual((refusal.kind, refusal.article), (RefusalKind.NO_SERVICE_CONSENT, "第六十一条"))
        self.assertEqual(self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.LODGED))).kind,
                         RefusalKind.MISSING_PARTICULARS)
        self.assertEqual(self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.DIRECT, recipient=""))).kind,
                         RefusalKind.MISSING_PARTICULARS)
        self.assertEqual(self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.DIRECT, day(1)))).kind,
                         RefusalKind.SERVICE_DATE_INVALID)
        self.assertEqual(self.refusal(lambda: p.cases().step(case_id, serve(ServiceMethod.DIRECT, day(-1)))).kind,
                         RefusalKind.SERVICE_DATE_INVALID)
        # With the signed consent form as evidence, electronic service is lawful.
        with self.assertRaises(ZhifaError.Validation):
            p.cases().edit(case_id, [CaseEdit.RECORD_SERVICE_CONSENT(
                ServiceConsent(address="zhang@example.cn", evidence_hash="00"))])
        form = p.evidence().add_to_case(case_id, b"signed consent", "书证", "电子送达确认书", None)
        p.cases().edit(case_id, [CaseEdit.RECORD_SERVICE_CONSENT(
            ServiceConsent(address="zhang@example.cn", evidence_hash=form.evidence[-1].hash))])
        served = p.cases().step(case_id, serve(ServiceMethod.ELECTRONIC))
        record = served.services[0]
        self.assertEqual((record.method, record.served_on, record.recipient, record.served_by, record.served_by_name,
                          record.late), (ServiceMethod.ELECTRONIC, day(0), "张某", ZHOU, "周强", False))
        self.assertEqual(served.status, CaseStatus.SERVED)
        self.assertEqual([d for d in p.cases().deadlines(case_id) if d.what == "service"], [])

    def test_a_summary_decision_is_handed_over_on_the_spot(self):
        p = self.phone()
        case = p.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", day(-1), day(0))
        p.cases().edit(case.id, barbecue() + [fact("correction", "pending")])
        p.cases().choose_penalty(case.id, 150, None)
        decided = p.cases().step(case.id, Step.DECIDE_ON_SPOT())
        record = decided.services[0]
        self.assertEqual((record.method, record.served_on, record.recipient, record.served_by),
                         (ServiceMethod.ON_THE_SPOT, day(0), "张某", ZHOU))

    def test_the_audit_history_keeps_every_officers_edits_across_a_merge(self):
        a, b = self.phone(ZHOU), self.phone(WU)
        case = a.cases().create(CaseKind.ORDINARY, "DQ-118-3", "500112", day(0), day(0))
        a.cases().edit(case.id, barbecue())
        b.cases().merge(a.cases().snapshot(case.id))
        a.cases().edit(case.id, [fact("harm", "slight")])
        b.cases().edit(case.id, [fact("harm", "serious")])
        merged = a.cases().merge(b.cases().snapshot(case.id))
        self.assertEqual([c.label for c in merged.conflicts], ["案件情节（危害后果程度：无、轻微、一般还是严重）"])
        refusal = self.refusal(lambda: a.cases().step(case.id, Step.FILE(approver=HEAD)))
        self.assertEqual(refusal.kind, RefusalKind.UNRESOLVED_CONFLICTS)
        a.cases().edit(case.id, [CaseEdit.RESOLVE(field="facts.harm", value="serious")])
        history = a.cases().history(case.id)
        self.assertEqual(history[0].credential_no, ZHOU)
        wu = [e for e in history if e.credential_no == WU and e.field == "facts.harm"]
        self.assertEqual([(e.value, e.officer_name) for e in wu], [("严重", "吴敏")])
        # The device is named by its key id: the first 8 bytes of SHA-256 of its public key.
        self.assertEqual(wu[0].device, hashlib.sha256(b.device_public_key()).digest()[:8].hex())
        settled = [e for e in history if e.resolved]
        self.assertEqual([(e.field, e.value, e.credential_no) for e in settled], [("facts.harm", "严重", ZHOU)])
        self.assertIn("年", settled[0].at_zh)
        csv = a.cases().history_csv(case.id)
        lines = csv.lstrip("\ufeff").splitlines()
        self.assertEqual(lines[0], "时间（北京时间）,执法人员,执法证号,设备,时间来源,操作,内容,值")
        self.assertEqual(len(lines), len(history) + 1)
        self.assertIn("确认冲突取值", csv)


if __name__ == "__main__":
    unittest.main(verbosity=2)
