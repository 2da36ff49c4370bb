"""Issue 11 §1 through the real cdylib: the statute as a hard frame for the chosen penalty
(max, max+1, min-1 with and without a 减轻 ground), mitigation with no baseline row and on a
warning-only row, the burden order across documents, Art. 33's 应当 and 可以 with the
education record, Art. 37 across the demo statute amendment, Art. 63 at the Chongqing figures
for fines and confiscated gains, and the catalogue's flexible measures."""

import datetime
import os
import sys
import tempfile
import unittest

from dates import beijing_today

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import (  # noqa: E402
    CaseEdit,
    CaseKind,
    CaseOfficer,
    ChoiceDisposition,
    ChosenPenalty,
    Disposition,
    EducationRecord,
    Fact,
    FlexibleMeasure,
    MitigationGround,
    NoPenaltyReason,
    Party,
    PartyKind,
    PenaltyKind,
    ReviewReason,
    Tier,
)
from zhifa.zhifa_ffi import PenaltyRequest, StoreConfig, ZhifaError, ZhifaStore, route_penalty  # noqa: E402


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])


def facts(party="citizen", **given):
    base = dict(criminal_referral=False, no_fault_proven=False, minor_act=False, removed_harm=False,
                coerced=False, confessed=False, meritorious=False, first_offence=False, priors_12m=0)
    if party == "citizen":
        base.update(age=35, capacity="full")
    base.update(given)
    out = [Fact.CHOICE(name="party_type", value=party)]
    for name, value in base.items():
        if isinstance(value, bool):
            out.append(Fact.FLAG(name=name, value=value))
        elif isinstance(value, int):
            out.append(Fact.NUMBER(name=name, value=value))
        else:
            out.append(Fact.CHOICE(name=name, value=value))
    return out


def request(violation, fact_list, place="500103", act="2024-05-01", decision="2024-05-20"):
    return PenaltyRequest(violation=violation, place_division=place, act_date=act, act_ended=None,
                          discovered_on=act, decision_date=decision, facts=fact_list)


def fine(amount, reason=None, flexible=()):
    return ChosenPenalty(kinds=[PenaltyKind.FINE], fine=amount, reason=reason, flexible=list(flexible))


def educated():
    record = EducationRecord(content="讲解了相关规定", by="渝50010320021",
                             at=datetime.datetime.now(datetime.timezone.utc))
    return ChosenPenalty(kinds=[], education=record)


class LawfulEngineTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.store = await ZhifaStore.open(StoreConfig(directory=self.dir.name, jurisdiction=["500103"], authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))
        await self.store.catalogue().apply_bundle(BUNDLE)
        self.discretion = self.store.discretion()

    def tearDown(self):
        self.dir.cleanup()

    async def outcome(self, *args, **kwargs):
        suggestion = await self.discretion.suggest(request(*args, **kwargs))
        self.assertEqual(suggestion.questions, [])
        return suggestion.outcome

    async def record(self, outcome, chosen):
        return await self.discretion.record_choice("case-1", outcome, chosen)

    async def refused(self, outcome, chosen):
        with self.assertRaises(ZhifaError.Validation) as caught:
            await self.record(outcome, chosen)
        return str(caught.exception)

    async def test_the_statute_is_a_hard_frame(self):
        litter = await self.outcome("GF-111-C", facts(correction="pending"))
        self.assertEqual((litter.statutory_fine.min, litter.statutory_fine.max), (100, 500))
        self.assertEqual(litter.statutory_kinds, [PenaltyKind.FINE])
        self.assertTrue((await self.record(litter, fine(500, "情节较重"))).outside_band)
        self.assertIn("理由", await self.refused(litter, fine(500)))
        self.assertIn("500元", await self.refused(litter, fine(501, "情节较重")))
        self.assertIn("第三十条至第三十二条", await self.refused(litter, fine(99, "经济困难")))
        self.assertIn("警告", await self.refused(litter, ChosenPenalty(kinds=[PenaltyKind.WARNING], reason="初犯")))
        confessed = await self.outcome("GF-111-C", facts(correction="pending", confessed=True))
        self.assertEqual(confessed.grounds, [MitigationGround.CONFESSED])
        self.assertTrue((await self.record(confessed, fine(99, "主动供述，减轻处罚"))).outside_band)

    async def test_mitigation_without_a_row_and_on_a_warning_only_row(self):
        dust = facts("organisation", harm="general", correction="pending", removed_harm=True)
        # Sichuan has no dust baseline: the statutory range, made lighter.
        o = await self.outcome("DQ-115", dust, place="510104")
        self.assertEqual(o.tier, Tier.LIGHTER)
        self.assertEqual((o.fine.min, o.fine.max), (10000, 37000))
        self.assertTrue(o.mitigation_applied)
        self.assertIn("应当从轻或者减轻处罚", o.explanation)
        warning = await self.outcome("SP-126-5", facts("organisation", correction="pending", coerced=True))
        self.assertTrue(warning.warning)
        self.assertFalse(warning.mitigation_applied)
        self.assertNotIn("应当从轻", warning.explanation)
        partial = await self.outcome("GF-111-C", facts(correction="pending", capacity="partial"))
        self.assertEqual(partial.tier, Tier.GENERAL)
        self.assertEqual((partial.optional_fine.min, partial.optional_fine.max), (100, 130))

    async def test_the_lighter_burden_wins_across_documents(self):
        o = await self.outcome("DQ-118-3", facts(correction="pending", pollution_alert=False, illegal_gains=0))
        self.assertEqual(o.source.row_id, "YZ24-DQ1183-1")
        self.assertEqual([a.source.row_id for a in o.alternatives], ["CG22-DQ1183-2"])
        self.assertEqual(o.alternatives[0].kinds, [PenaltyKind.FINE, PenaltyKind.CONFISCATE_PROPERTY])

    async def test_art_33_mandatory_and_discretionary(self):
        minor = await self.outcome("GF-111-C", facts(minor_act=True, harm="none", correction="corrected"))
        self.assertEqual(minor.disposition, Disposition.NO_PENALTY(reason=NoPenaltyReason.MINOR_CORRECTED_NO_HARM))
        self.assertIn("教育", await self.refused(minor, ChosenPenalty(kinds=[])))
        self.assertEqual((await self.record(minor, educated())).disposition, ChoiceDisposition.NO_PENALTY)
        self.assertIn("不得给予处罚", await self.refused(minor, fine(100, "屡教不改")))

        first = facts("organisation", first_offence=True, harm="slight", correction="corrected")
        may = await self.outcome("DQ-116", first)
        self.assertEqual(may.disposition, Disposition.MAY_NOT_PUNISH())
        self.assertEqual((may.fine.min, may.fine.max), (2000, 5000))
        self.assertEqual((await self.record(may, educated())).disposition, ChoiceDisposition.FIRST_VIOLATION_CONFIRMED)
        self.assertIn("不适用的理由", await self.refused(may, fine(3000)))
        self.assertEqual((await self.record(may, fine(3000, "拒不配合"))).disposition, ChoiceDisposition.FIRST_VIOLATION_DECLINED)
        harmed = await self.outcome("DQ-116", facts("organisation", first_offence=True, harm="general", correction="corrected"))
        self.assertEqual(harmed.disposition, Disposition.PENALTY())

    async def test_art_37_the_lighter_amended_statute_from_its_date(self):
        board = facts("organisation", correction="pending")
        before = await self.outcome("SR-HW-32", board, act="2026-01-15", decision="2026-02-28")
        self.assertEqual((before.fine.min, before.fine.max), (1000, 10000))
        on = await self.outcome("SR-HW-32", board, act="2026-01-15", decision="2026-03-01")
        self.assertEqual((on.fine.min, on.fine.max), (500, 5000))
        self.assertEqual(on.statute_in_force_from, datetime.date(2026, 3, 1))
        self.assertTrue(any("2026年3月1日起施行" in (s.citation or "") for s in on.trace))
        self.assertIn("5000元", await self.refused(on, fine(6000, "情节严重")))

    async def test_art_63_hearing_at_the_chongqing_figures(self):
        citizen = await self.outcome("DQ-118-3", facts(correction="refused", pollution_alert=False, illegal_gains=0, harm="general"))
        organisation = await self.outcome("DQ-115", facts("organisation", correction="refused", harm="general"))
        for o, below, at in [(citizen, 4999, 5000), (organisation, 49999, 50000)]:
            self.assertFalse(route_penalty(o, fine(below)).hearing_right)
            self.assertTrue(route_penalty(o, fine(at)).hearing_right)
            gains = lambda g: ChosenPenalty(kinds=[PenaltyKind.CONFISCATE_GAINS], confiscated_gains=g)  # noqa: E731
            self.assertFalse(route_penalty(o, gains(below)).hearing_right)
            self.assertTrue(route_penalty(o, gains(at)).hearing_right)
        suspend = ChosenPenalty(kinds=[PenaltyKind.FINE, PenaltyKind.ORDER_SUSPENSION], fine=10000)
        self.assertTrue(route_penalty(organisation, suspend).hearing_right)

    async def test_flexible_measures_and_the_case_keeps_the_choice(self):
        cases = self.store.cases()
        today = beijing_today()
        case = await cases.create(CaseKind.ORDINARY, "GF-111-C", "500103", today, today)
        officers = [CaseEdit.ADD_OFFICER(CaseOfficer(credential_no=c, name=n, verified=True, withdrawn=False))
                    for c, n in [("渝50010320021", "周强"), ("渝50010320022", "吴敏")]]
        person = Party(kind=PartyKind.PERSON, name="张某", credit_code=None, id_number="500103199001011234",
                       address="重庆市渝中区解放碑街道", representative=None)
        await cases.edit(case.id, officers + [CaseEdit.ADD_PARTY(person)]
                   + [CaseEdit.SET_FACT(f) for f in facts(correction="pending")])
        outcome = (await cases.suggest(case.id)).outcome
        self.assertEqual(outcome.flexible, [FlexibleMeasure.PERSUASION, FlexibleMeasure.REMINDER])
        with self.assertRaises(ZhifaError.Validation) as caught:
            await cases.choose(case.id, fine(150, flexible=[FlexibleMeasure.ORDER_CORRECTION]))
        self.assertIn("责令改正", str(caught.exception))
        kept = await cases.choose(case.id, fine(150, flexible=[FlexibleMeasure.REMINDER]))
        self.assertEqual(kept.chosen_penalty.flexible, [FlexibleMeasure.REMINDER])
        self.assertEqual(kept.chosen_fine, 150)


def chosen(kinds, fine=None, reason=None, **amounts):
    return ChosenPenalty(kinds=kinds, fine=fine, reason=reason, **amounts)


class EngineFixTest(unittest.IsolatedAsyncioTestCase):
    """The legal reviewer's findings, each at its boundary: a mandatory ground lightens a fixed
    amount and an aggravating row, the statute's required kinds and Art. 28's gains, and Art. 63
    on a stated property value."""

    asyncSetUp = LawfulEngineTest.asyncSetUp
    tearDown = LawfulEngineTest.tearDown
    outcome = LawfulEngineTest.outcome
    record = LawfulEngineTest.record
    refused = LawfulEngineTest.refused

    async def toll(self, age, gains, party="citizen", **given):
        if party == "citizen":
            given["age"] = age
        return await self.outcome("GL-74", facts(party, road_level="county", illegal_gains=gains,
                                           correction="pending", **given))

    async def test_a_mandatory_ground_lightens_a_fixed_amount(self):
        adult = await self.toll(18, 2300, caused_accident=True)
        self.assertEqual((adult.tier, adult.fine.min, adult.fine.max), (Tier.HEAVIER, 6900, 6900))
        minor = await self.toll(17, 2300, caused_accident=True)
        self.assertEqual(minor.tier, Tier.LIGHTER)
        self.assertEqual((minor.fine.min, minor.fine.max), (3450, 3795))
        self.assertTrue(minor.mitigation_applied)
        self.assertIn(ReviewReason.AGGRAVATING_WITH_MANDATORY_GROUND(row="JT22-GL74-3"), minor.review)
        self.assertIn("第三十条", minor.explanation)

    async def test_an_aggravating_row_is_never_shaved_and_labelled_lighter(self):
        async def barbecue(age):
            return await self.outcome("DQ-118-3", facts(age=age, correction="refused", pollution_alert=False,
                                                  illegal_gains=0))
        adult = await barbecue(18)
        self.assertEqual((adult.fine.min, adult.fine.max), (8000, 20000))
        minor = await barbecue(16)
        self.assertEqual((minor.tier, minor.fine.min, minor.fine.max), (Tier.LIGHTER, 500, 1250))
        self.assertIn(ReviewReason.AGGRAVATING_WITH_MANDATORY_GROUND(row="YZ24-DQ1183-2"), minor.review)
        for sentence in minor.explanation.split("。"):
            self.assertFalse("从重" in sentence and "从轻处罚" in sentence, sentence)

    async def test_required_kinds_and_art_28_gains(self):
        o = await self.outcome("DQ-118-3", facts(correction="pending", pollution_alert=False, illegal_gains=0))
        self.assertEqual(o.required_kinds, [PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS,
                                            PenaltyKind.CONFISCATE_PROPERTY])
        tools = chosen([PenaltyKind.CONFISCATE_PROPERTY], reason="当事人困难", confiscated_property_value=300)
        self.assertIn("并处“罚款”", await self.refused(o, tools))
        both = chosen([PenaltyKind.FINE, PenaltyKind.CONFISCATE_PROPERTY], 500, confiscated_property_value=300)
        self.assertFalse((await self.record(o, both)).outside_band)
        minor = await self.outcome("DQ-118-3", facts(age=16, correction="pending", pollution_alert=False,
                                               illegal_gains=0))
        self.assertTrue((await self.record(minor, tools)).outside_band)

        litter = await self.outcome("GF-111-C", facts(correction="pending"))
        self.assertIn("不予处罚", await self.refused(litter, chosen([PenaltyKind.CONFISCATE_GAINS], reason="x",
                                                          confiscated_gains=0)))

        company = await self.toll(0, 60000, party="organisation", caused_accident=False)
        self.assertIn("应没收60000元", await self.refused(company, fine(40000, "酌情")))
        for wrong in (1, 59999):
            self.assertIn("第二十八条", await self.refused(company, chosen(
                [PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS], 40000, "酌情", confiscated_gains=wrong)))
        full = await self.record(company, chosen([PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS], 40000, "酌情",
                                           confiscated_gains=60000))
        self.assertTrue(full.route.hearing_right)
        refund = chosen([PenaltyKind.CONFISCATE_GAINS], reason="已退赔受害车主10000元", confiscated_gains=50000,
                        refunded_gains=10000)
        self.assertTrue((await self.record(company, refund)).outside_band)

    async def test_art_63_confiscated_property_needs_its_value(self):
        o = await self.outcome("DQ-118-3", facts(correction="pending", pollution_alert=False, illegal_gains=0))
        unvalued = chosen([PenaltyKind.FINE, PenaltyKind.CONFISCATE_PROPERTY], 1000)
        self.assertIn("第六十三条", await self.refused(o, unvalued))
        for value, hearing in ((4999, False), (5000, True)):
            valued = chosen([PenaltyKind.FINE, PenaltyKind.CONFISCATE_PROPERTY], 1000,
                            confiscated_property_value=value)
            self.assertEqual((await self.record(o, valued)).route.hearing_right, hearing)


if __name__ == "__main__":
    unittest.main(verbosity=2)
