"""Field fitness through the real cdylib: a summary case from the scanned enterprise code to
the printed decision in five calls, and a phone of the cross-province zone 川渝高竹新区 that
works both sides of the border with each province's hearing threshold.

Credentials and enterprise codes are issued by the server's own admin commands, with the keys
and bundles scripts/test made.
"""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import CaseKind, CaseStatus, DocumentKind, Fact, OnTheSpot, PartyKind  # noqa: E402
from zhifa.zhifa_ffi import StoreConfig, ZhifaError, ZhifaStore  # noqa: E402


def read(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])
HOTPOT = "91500103MA5U1A0B2Y"
SICHUAN_RESTAURANT = "91511623MA62GC2L38"
CHONGQING_BARBECUE = "91500112MA60GC1K21"


def statutory_grounds_absent():
    names = ["criminal_referral", "no_fault_proven", "minor_act", "removed_harm", "coerced",
             "confessed", "meritorious"]
    return [Fact.FLAG(name=name, value=False) for name in names]


class FieldTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def server(self, *args):
        subprocess.run([os.environ["ZHIFA_SERVER_BIN"], *args], check=True, capture_output=True)

    async def on_duty(self, jurisdiction, bundle, officer):
        store = await ZhifaStore.open(StoreConfig(directory=tempfile.mkdtemp(dir=self.tmp.name),
                                            jurisdiction=jurisdiction, authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))
        await store.catalogue().apply_bundle(read(bundle))
        out = os.path.join(self.tmp.name, "credential.cose")
        self.server("issue-credential", "--officer", officer,
                    "--device-key", store.device_public_key().hex(), "--out", out)
        await store.codes().install_credential(read(out))
        return store

    def enterprise_code(self, credit_code):
        out = os.path.join(self.tmp.name, credit_code + ".eq")
        self.server("issue-enterprise-code", "--credit-code", credit_code, "--out", out)
        return read(out, "r")

    async def test_summary_case_in_five_calls_from_the_scanned_code_to_the_printed_decision(self):
        phone = await self.on_duty(["500103"], os.environ["ZHIFA_TEST_BUNDLE"], "渝50010320001")
        scanned = self.enterprise_code(HOTPOT)
        facts = statutory_grounds_absent() + [
            Fact.FLAG(name="first_offence", value=False),
            Fact.CHOICE(name="harm", value="slight"),
            Fact.CHOICE(name="correction", value="pending"),
            Fact.NUMBER(name="illegal_gains", value=0),
        ]
        # 1. scan, 2. open the case from the visit, 3. preview, 4. decide, 5. print.
        visit = await phone.codes().open_visit(scanned, None, ["渝50010320002"], None)
        case = await phone.cases().open_from_visit(visit.visit_id, CaseKind.SUMMARY, "JG-13")
        self.assertEqual(case.parties[0].kind, PartyKind.ORGANISATION)
        self.assertEqual(case.parties[0].credit_code, HOTPOT)
        self.assertEqual([o.credential_no for o in case.officers], ["渝50010320001", "渝50010320002"])
        band = (await phone.cases().preview(case.id, facts)).outcome.fine
        self.assertEqual((band.min, band.max), (500, 2000))
        decided = await phone.cases().decide_on_spot(
            case.id, OnTheSpot(findings="当事人所售菜品未按规定标示价格。", facts=facts, fine=800, reason=None, number_prefix=None))
        self.assertEqual(decided.status, CaseStatus.DECIDED)
        printed = await phone.cases().render_document(case.id, DocumentKind.SUMMARY_DECISION)
        self.assertIn("重庆渝中解放碑老码头火锅餐饮有限公司", printed)
        self.assertIn("800", printed)

    async def test_a_fine_over_the_summary_limit_is_refused_and_the_facts_are_kept(self):
        phone = await self.on_duty(["500103"], os.environ["ZHIFA_TEST_BUNDLE"], "渝50010320001")
        visit = await phone.codes().open_visit(self.enterprise_code(HOTPOT), None, ["渝50010320002"], None)
        case = await phone.cases().open_from_visit(visit.visit_id, CaseKind.SUMMARY, "JG-13")
        facts = statutory_grounds_absent() + [
            Fact.FLAG(name="first_offence", value=False),
            Fact.CHOICE(name="harm", value="general"),
            Fact.CHOICE(name="correction", value="refused"),
            Fact.NUMBER(name="illegal_gains", value=0),
        ]
        # The heavier band is 2,000–5,000: 3,001 is over an organisation's 3,000 (Art. 51).
        with self.assertRaises(ZhifaError.StepRefused) as refused:
            await phone.cases().decide_on_spot(
                case.id, OnTheSpot(findings="当事人所售菜品未按规定标示价格。", facts=facts, fine=3001, reason=None, number_prefix=None))
        self.assertIn("第五十一条", str(refused.exception))
        kept = await phone.cases().get(case.id)
        self.assertEqual(kept.status, CaseStatus.DRAFT)
        self.assertEqual(kept.chosen_fine, 3001)
        decided = await phone.cases().decide_on_spot(
            case.id, OnTheSpot(findings="", facts=[], fine=3000, reason=None, number_prefix=None))
        self.assertEqual(decided.status, CaseStatus.DECIDED)

    async def test_a_zone_phone_works_both_sides_with_each_provinces_hearing_threshold(self):
        phone = await self.on_duty(["500112", "511623"], os.environ["ZHIFA_TEST_ZONE_BUNDLE"], "川51162320001")
        facts = statutory_grounds_absent() + [
            Fact.FLAG(name="first_offence", value=False),
            Fact.CHOICE(name="harm", value="general"),
            Fact.CHOICE(name="correction", value="pending"),
            Fact.NUMBER(name="priors_12m", value=0),
            Fact.FLAG(name="pollution_alert", value=False),
            Fact.NUMBER(name="property_value", value=300),
            Fact.NUMBER(name="illegal_gains", value=0),
        ]
        seen = {}
        for credit_code in [SICHUAN_RESTAURANT, CHONGQING_BARBECUE]:
            visit = await phone.codes().open_visit(self.enterprise_code(credit_code), None, ["川51162320002"], None)
            case = await phone.cases().open_from_visit(visit.visit_id, CaseKind.ORDINARY, "DQ-118-3")
            outcome = (await phone.cases().preview(case.id, facts)).outcome
            seen[case.place_division] = (outcome.source.document_id, outcome.fine.min, outcome.fine.max,
                                         outcome.hearing_threshold)
        self.assertEqual(seen, {
            # Sichuan: the zone's unified baseline, Sichuan's 较大数额 for an organisation.
            "511623": ("D-GZ-2025", 2000, 8000, 30000),
            # Chongqing: its own baseline is lighter for the party than the zone's.
            "500112": ("D-CQ-CG-2022", 500, 5000, 50000),
        })


if __name__ == "__main__":
    unittest.main()
