"""The discretion engine through the real cdylib: a full suggestion with its legal basis,
the questions flow, procedure routing, and the officer's override with a reason."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import ChosenPenalty, Disposition, Fact, PenaltyKind, Tier  # noqa: E402
from zhifa.zhifa_ffi import (  # noqa: E402
    PenaltyRequest,
    StoreConfig,
    ZhifaError,
    ZhifaStore,
    route_penalty,
)


def read(path):
    with open(path, "rb") as f:
        return f.read()


BUNDLE = read(os.environ["ZHIFA_TEST_BUNDLE"])
AUTHORITY = read(os.environ["ZHIFA_TEST_AUTHORITY"])

ORDINARY_CITIZEN = [
    Fact.CHOICE(name="party_type", value="citizen"),
    Fact.NUMBER(name="age", value=42),
    Fact.CHOICE(name="capacity", value="full"),
] + [
    Fact.FLAG(name=name, value=False)
    for name in ["criminal_referral", "no_fault_proven", "minor_act", "removed_harm", "coerced", "confessed", "meritorious"]
]


def request(violation, facts, place="500103"):
    return PenaltyRequest(
        violation=violation,
        place_division=place,
        act_date="2024-05-01",
        act_ended=None,
        discovered_on="2024-05-01",
        decision_date="2024-05-20",
        facts=ORDINARY_CITIZEN + facts,
    )


BARBECUE_REFUSED = [
    Fact.FLAG(name="first_offence", value=False),
    Fact.CHOICE(name="harm", value="general"),
    Fact.CHOICE(name="correction", value="refused"),
    Fact.NUMBER(name="priors_12m", value=0),
    Fact.FLAG(name="pollution_alert", value=False),
    Fact.NUMBER(name="illegal_gains", value=300),
]


class DiscretionTest(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.store = await ZhifaStore.open(StoreConfig(directory=self.dir.name, jurisdiction=["500103"], authority_keys=[AUTHORITY], passphrase="zhifa-test", light_kdf_for_tests=True))
        await self.store.catalogue().apply_bundle(BUNDLE)

    def tearDown(self):
        self.dir.cleanup()

    async def test_a_full_suggestion_with_its_basis_and_procedure(self):
        suggestion = await self.store.discretion().suggest(request("DQ-118-3", BARBECUE_REFUSED))
        self.assertEqual(suggestion.questions, [])
        outcome = suggestion.outcome
        self.assertIsInstance(outcome.disposition, Disposition.PENALTY)
        self.assertEqual(outcome.tier, Tier.HEAVIER)
        # The district's heavier band starts lower than the city's: favourable to the party.
        self.assertEqual((outcome.fine.min, outcome.fine.max), (8000, 20000))
        self.assertEqual(outcome.source.row_id, "YZ24-DQ1183-2")
        self.assertEqual([a.source.row_id for a in outcome.alternatives], ["CG22-DQ1183-3"])
        self.assertTrue(outcome.confiscate_gains)
        self.assertTrue(outcome.confiscate_property)
        self.assertEqual(outcome.hearing_threshold, 5000)
        self.assertIn("《中华人民共和国大气污染防治法》第一百一十八条第三款", outcome.explanation)
        self.assertIn("渝中区露天烧烤行政处罚裁量细化标准", outcome.explanation)

        route = route_penalty(outcome, ChosenPenalty(kinds=[PenaltyKind.FINE], fine=8000))
        self.assertFalse(route.summary_allowed)
        self.assertTrue(route.hearing_right)
        self.assertTrue(route.legal_review)

    async def test_unknown_facts_are_asked_not_guessed(self):
        facts = [f for f in BARBECUE_REFUSED if f.name != "harm" and f.name != "correction"]
        suggestion = await self.store.discretion().suggest(request("DQ-118-3", facts))
        self.assertIsNone(suggestion.outcome)
        asked = {q.fact: q.question for q in suggestion.questions}
        self.assertIn("correction", asked)
        self.assertIn("改正", asked["correction"])

    async def test_a_confiscation_case_is_never_summary(self):
        facts = [
            Fact.CHOICE(name="road_level", value="township"),
            Fact.FLAG(name="caused_accident", value=False),
            Fact.NUMBER(name="illegal_gains", value=2300),
            Fact.FLAG(name="first_offence", value=False),
        ]
        outcome = (await self.store.discretion().suggest(request("GL-74", facts))).outcome
        self.assertEqual((outcome.fine.min, outcome.fine.max), (2300, 2300))
        chosen = ChosenPenalty(kinds=[PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS], fine=2300, confiscated_gains=2300)
        self.assertFalse(route_penalty(outcome, chosen).summary_allowed)

    async def test_an_override_needs_a_reason_and_is_recorded(self):
        outcome = (await self.store.discretion().suggest(request("DQ-118-3", BARBECUE_REFUSED))).outcome
        kinds = [PenaltyKind.FINE, PenaltyKind.CONFISCATE_GAINS, PenaltyKind.CONFISCATE_PROPERTY]

        def choice(fine, reason=None):
            return ChosenPenalty(kinds=kinds, fine=fine, confiscated_gains=300, confiscated_property_value=300,
                                 reason=reason)

        inside = await self.store.discretion().record_choice("case-1", outcome, choice(12000))
        self.assertFalse(inside.outside_band)
        with self.assertRaises(ZhifaError.Validation) as caught:
            await self.store.discretion().record_choice("case-1", outcome, choice(5000))
        self.assertIn("理由", str(caught.exception))
        # Above the statutory 20,000 no reason helps (the old expectation let one through).
        with self.assertRaises(ZhifaError.Validation) as caught:
            await self.store.discretion().record_choice("case-1", outcome, choice(25000, "情节恶劣"))
        self.assertIn("20000元", str(caught.exception))
        outside = await self.store.discretion().record_choice("case-1", outcome, choice(5000, "当事人经济困难，经集体讨论"))
        self.assertTrue(outside.outside_band)
        self.assertEqual(await self.store.sync().pending_event_count(), 2)

    async def test_bad_input_is_a_typed_error(self):
        with self.assertRaises(ZhifaError.Validation):
            await self.store.discretion().suggest(request("NO-SUCH", []))
        bad_date = request("DQ-116", [])
        bad_date.act_date = "2024-13-01"
        with self.assertRaises(ZhifaError.Validation) as caught:
            await self.store.discretion().suggest(bad_date)
        self.assertIn("2024-13-01", str(caught.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
