"""Sync through the real cdylib against a live server started from its own binary: two phones
enrol with one-time codes, receive the catalogue and a duty credential, and share a case."""

import os
import sys
import tempfile
import unittest

from dates import beijing_today
from live_server import LiveServerTestCase, free_port

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import CaseEdit, CaseKind, SubjectKind, SyncPhase  # noqa: E402
from zhifa.zhifa_ffi import (  # noqa: E402
    StoreConfig,
    SyncListener,
    ZhifaError,
    ZhifaStore,
    default_sync_options,
)

TODAY = beijing_today()



class Progress(SyncListener):
    def __init__(self):
        self.phases = []

    def on_progress(self, progress):
        self.phases.append(progress.phase)


class SyncWithALiveServer(LiveServerTestCase):
    async def phone(self, officer):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        store = await ZhifaStore.open(StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[self.authority], passphrase="zhifa-test", light_kdf_for_tests=True))
        enrolment = await store.sync().enrol(self.url, self.enrolment_code(officer), "Python phone")
        self.assertEqual(enrolment.subject_kind, SubjectKind.OFFICER)
        self.assertEqual(enrolment.subject, officer)
        return store

    async def test_two_phones_share_a_case_through_the_server(self):
        a = await self.phone("渝50010320001")
        b = await self.phone("渝50010320002")
        progress = Progress()
        report = await a.sync().sync_now(self.url, default_sync_options(), progress)
        self.assertIsNotNone(report.catalogue_version)
        self.assertTrue(report.credential_renewed)
        self.assertEqual(progress.phases[-1], SyncPhase.DONE)
        self.assertTrue((await a.codes().enforcement_code(None)).payload.startswith("EC1:"))

        case = await a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", TODAY, TODAY)
        await a.cases().edit(case.id, [CaseEdit.APPEND_FINDINGS("后厨发现过期原料。")])
        self.assertEqual((await a.sync().sync_now(self.url, default_sync_options(), None)).docs_synced, 1)
        await b.sync().sync_now(self.url, default_sync_options(), None)
        self.assertIn("过期原料", (await b.cases().get(case.id)).onsite.findings)

    async def test_a_wrong_code_and_an_unreachable_server_are_clear_errors(self):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        store = await ZhifaStore.open(StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[self.authority], passphrase="zhifa-test", light_kdf_for_tests=True))
        with self.assertRaises(ZhifaError.NotAuthorised) as refused:
            await store.sync().enrol(self.url, "AAAA-BBBB-CC", "Python phone")
        self.assertIn("登记码", str(refused.exception))
        with self.assertRaises(ZhifaError.NotAuthorised):
            await store.sync().sync_now(self.url, default_sync_options(), None)
        with self.assertRaises(ZhifaError.Network) as offline:
            await store.sync().enrol(f"http://127.0.0.1:{free_port()}", "AAAA-BBBB-CC", "Python phone")
        self.assertIn("不会丢失", str(offline.exception))


if __name__ == "__main__":
    unittest.main()
