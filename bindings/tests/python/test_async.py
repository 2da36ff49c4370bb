"""The async API as an asyncio app uses it, against a live server started from its own binary:
sync as a cancellable coroutine with progress told to a listener, a sync cancelled mid-way and
resumed with nothing lost (by cancelling the coroutine, and by `sync().cancel()` as the Swift
shell must), errors by class with the officer's text as `str(e)`, sync through an HTTP client
written in Python as well as through the core's own (reqwest), and the subscriptions that
return a `TaskHandle`."""

import asyncio
import http.client
import os
import sys
import tempfile
import threading
import unittest
import urllib.parse
import urllib.request

from dates import beijing_today
from live_server import LiveServerTestCase, free_port

sys.path.insert(0, os.environ["ZHIFA_PYTHON_BINDINGS"])

from zhifa.zhifa_core import CaseEdit, CaseKind, SyncPhase  # noqa: E402
from zhifa.zhifa_ffi import (  # noqa: E402
    CaseChangeListener,
    EnforcementCodeListener,
    HttpClient,
    HttpError,
    HttpResponse,
    StoreConfig,
    SyncListener,
    ZhifaError,
    ZhifaStore,
    default_sync_options,
    uniffi_set_event_loop,
)

TODAY = beijing_today()
ZHOU, WU = "渝50010320001", "渝50010320002"



class Progress(SyncListener):
    """Progress as the core tells it, from its own thread; `on_each` may act on it there."""

    def __init__(self, on_each=None):
        self.seen = []
        self.threads = set()
        self.on_each = on_each

    def on_progress(self, progress):
        self.seen.append(progress)
        self.threads.add(threading.get_ident())
        if self.on_each:
            self.on_each(progress)

    @property
    def phases(self):
        return [p.phase for p in self.seen]


class PythonHttpClient(HttpClient):
    """The foreign HTTP client, as a shell supplies its platform's: `http.client` in the loop's
    executor, reading no more of an answer than `max_response_bytes` and one byte."""

    def __init__(self, fail_with=None):
        self.sent = []
        self.fail_with = fail_with

    async def send(self, request):
        self.sent.append((request.method, urllib.parse.urlsplit(request.url).path, request.max_response_bytes))
        if self.fail_with:
            raise HttpError.Failed(self.fail_with)
        return await asyncio.get_running_loop().run_in_executor(None, self.exchange, request)

    @staticmethod
    def exchange(request):
        url = urllib.parse.urlsplit(request.url)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=request.timeout_millis / 1000)
        try:
            path = url.path + (f"?{url.query}" if url.query else "")
            connection.request(request.method, path, body=bytes(request.body) or None,
                               headers={h.name: h.value for h in request.headers})
            answer = connection.getresponse()
            return HttpResponse(status=answer.status, body=answer.read(request.max_response_bytes + 1))
        except OSError as e:
            raise HttpError.Failed(str(e))
        finally:
            connection.close()


class AsyncApiWithALiveServer(LiveServerTestCase):
    async def asyncSetUp(self):
        # The core awaits the Python HTTP client from its own threads: it runs on this loop.
        uniffi_set_event_loop(asyncio.get_running_loop())
        self.addCleanup(uniffi_set_event_loop, None)  # the loop closes with the test
        # UniFFI 0.32's Python tells a finished foreign future's drop with `loop.call_soon`
        # from the core's thread, which asyncio's debug mode (on in IsolatedAsyncioTestCase)
        # refuses with a traceback; the call only cancels a task already done.
        asyncio.get_running_loop().set_debug(False)

    async def store(self):
        d = tempfile.TemporaryDirectory()
        self.addCleanup(d.cleanup)
        return await ZhifaStore.open(StoreConfig(directory=d.name, jurisdiction=["500103"], authority_keys=[self.authority], passphrase="zhifa-test", light_kdf_for_tests=True))

    async def phone(self, officer, client=None):
        """An enrolled phone that has synced once: it holds the catalogue, its officer's duty
        credential and every document the server had (other tests' ones included), so that
        what a test counts afterwards is its own."""
        store = await self.store()
        if client:
            store.use_http_client(client)
        enrolment = await store.sync().enrol(self.url, self.enrolment_code(officer), "Python phone")
        self.assertEqual(enrolment.subject, officer)
        first = await self.sync(store)
        self.assertTrue(first.credential_renewed)
        self.assertIsNotNone(first.catalogue_version)
        return store

    async def sync(self, store, listener=None):
        return await store.sync().sync_now(self.url, default_sync_options(), listener)

    async def test_sync_is_a_coroutine_with_progress_and_the_loop_runs_meanwhile(self):
        a, b = await self.phone(ZHOU), await self.phone(WU)
        case = await a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", TODAY, TODAY)
        await a.cases().edit(case.id, [CaseEdit.APPEND_FINDINGS("后厨发现过期原料。")])
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.001)
                ticks += 1

        beating = asyncio.create_task(ticker())
        progress = Progress()
        report = await self.sync(a, progress)
        beating.cancel()
        # The session ran on the core's threads: the loop kept ticking, the listener was told
        # from elsewhere, phase by phase in order, ending with DONE.
        self.assertGreater(ticks, 0)
        self.assertNotIn(threading.get_ident(), progress.threads)
        self.assertEqual(progress.phases[0], SyncPhase.EVIDENCE)
        self.assertEqual(progress.phases[-1], SyncPhase.DONE)
        self.assertIn(SyncPhase.DOCUMENTS, progress.phases)
        self.assertEqual(report.docs_synced, 1)
        self.assertEqual(progress.seen[-1].bytes_sent, report.bytes_sent)
        await self.sync(b)
        self.assertIn("过期原料", (await b.cases().get(case.id)).onsite.findings)

    async def test_a_cancelled_sync_stops_mid_way_and_the_next_one_loses_nothing(self):
        a, b = await self.phone(ZHOU), await self.phone(WU)
        cases = {}
        for n in range(24):
            case = await a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", TODAY, TODAY)
            await a.cases().edit(case.id, [CaseEdit.APPEND_FINDINGS(f"第{n}家：后厨发现过期原料。")])
            photo = os.urandom(48 * 1024)
            filed = await a.evidence().add_to_case(case.id, photo, "视听资料", f"现场照片{n}", None)
            cases[case.id] = (n, filed.evidence[-1].hash)
        loop = asyncio.get_running_loop()
        stopped = threading.Event()

        def cancel_after_the_first_file(progress):
            # On the core's thread: once one evidence file is up, cancel the coroutine and hold
            # the session here until the cancellation has landed (the future dropped), so that
            # the next safe point, before the next request, is where it stops.
            if progress.phase == SyncPhase.EVIDENCE and progress.bytes_sent > 0 and not stopped.is_set():
                loop.call_soon_threadsafe(running.cancel)
                self.assertTrue(stopped.wait(timeout=30))

        progress = Progress(cancel_after_the_first_file)
        running = asyncio.create_task(self.sync(a, progress))
        running.add_done_callback(lambda _: stopped.set())
        with self.assertRaises(asyncio.CancelledError):
            await running
        self.assertNotIn(SyncPhase.DOCUMENTS, progress.phases)
        self.assertNotIn(SyncPhase.DONE, progress.phases)

        # Mid-way indeed: the other phone finds none of the cases on the server yet.
        await self.sync(b)
        some = next(iter(cases))
        with self.assertRaises(ZhifaError.NotFound):
            await b.cases().get(some)

        # The next sync waits for the stopped one, resumes where it stopped (the first file is
        # not sent again) and carries everything.
        resumed = await self.sync(a)
        self.assertEqual(resumed.blobs_sent, len(cases) - 1)
        self.assertEqual(resumed.docs_synced, len(cases))
        self.assertEqual(await a.sync().pending_event_count(), 0)
        await self.sync(b)
        for case_id, (n, photo_hash) in cases.items():
            arrived = await b.cases().get(case_id)
            self.assertIn(f"第{n}家", arrived.onsite.findings)
            self.assertEqual([e.hash for e in arrived.evidence], [photo_hash])
            await b.evidence().fetch(self.url, photo_hash)

    async def test_cancel_stops_a_sync_whose_caller_cannot_drop_it(self):
        # What the Swift shell does (UniFFI's Swift never drops a cancelled task's future) and
        # a WorkManager job's onStopped: the service's cancel(), from any thread.
        a = await self.phone(ZHOU)
        ids = []
        for n in range(6):
            case = await a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", TODAY, TODAY)
            await a.evidence().add_to_case(case.id, os.urandom(32 * 1024), "视听资料", f"照片{n}", None)
            ids.append(case.id)
        service = a.sync()

        def cancel_after_the_first_file(progress):
            if progress.phase == SyncPhase.EVIDENCE and progress.bytes_sent > 0:
                service.cancel()

        progress = Progress(cancel_after_the_first_file)
        with self.assertRaises(ZhifaError.Cancelled) as stopped:
            await self.sync(a, progress)
        self.assertIn("下次同步将从中断处继续", str(stopped.exception))
        self.assertNotIn(SyncPhase.DOCUMENTS, progress.phases)
        resumed = await self.sync(a)
        self.assertEqual((resumed.blobs_sent, resumed.docs_synced), (len(ids) - 1, len(ids)))
        service.cancel()  # nothing running: no effect on the next one
        self.assertEqual((await self.sync(a)).docs_synced, 0)

    async def test_errors_are_classes_whose_text_is_the_officers(self):
        store = await self.store()
        with self.assertRaises(ZhifaError.NotAuthorised) as refused:
            await store.sync().enrol(self.url, "AAAA-BBBB-CC", "Python phone")
        self.assertIn("登记码", str(refused.exception))
        with self.assertRaises(ZhifaError.NotAuthorised) as not_enrolled:
            await self.sync(store)
        self.assertTrue(str(not_enrolled.exception))
        with self.assertRaises(ZhifaError.Network) as offline:
            await store.sync().enrol(f"http://127.0.0.1:{free_port()}", "AAAA-BBBB-CC", "Python phone")
        self.assertIn("不会丢失", str(offline.exception))
        with self.assertRaises(ZhifaError.Validation) as bad_url:
            await store.sync().enrol("ftp://example.cn", "AAAA-BBBB-CC", "Python phone")
        self.assertIn("地址", str(bad_url.exception))
        # Nothing but the text: no "user_message=" wrapping, no English.
        for caught in (refused, offline, bad_url):
            text = str(caught.exception)
            self.assertNotIn("user_message", text)
            self.assertFalse(any(c.isascii() and c.isalpha() for c in text), text)
        with self.assertRaises(ZhifaError.NotFound) as missing:
            await store.cases().get("no-such-case")
        self.assertTrue(str(missing.exception))

    async def test_sync_through_a_client_written_in_python_and_through_reqwest(self):
        client = PythonHttpClient()
        a = await self.phone(ZHOU, client)
        b = await self.phone(WU)  # the core's own client
        self.assertEqual(client.sent[0][:2], ("POST", "/v1/enrol"))
        case = await a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", TODAY, TODAY)
        await a.cases().edit(case.id, [CaseEdit.APPEND_FINDINGS("经平台客户端同步。")])
        await a.evidence().add_to_case(case.id, b"\xff\xd8photo", "视听资料", "照片", None)
        progress = Progress()
        report = await self.sync(a, progress)
        self.assertEqual((report.docs_synced, report.blobs_sent), (1, 1))
        self.assertEqual(progress.phases[-1], SyncPhase.DONE)
        paths = {path for _, path, _ in client.sent}
        self.assertIn("/v1/sync", paths)
        self.assertTrue(all(limit > 0 for _, _, limit in client.sent))
        await self.sync(b)
        self.assertIn("经平台客户端同步", (await b.cases().get(case.id)).onsite.findings)
        # Back to reqwest: the Python client is not asked again.
        a.use_http_client(None)
        asked = len(client.sent)
        await self.sync(a)
        self.assertEqual(len(client.sent), asked)

    async def test_a_failing_client_is_a_network_error_and_nothing_is_lost(self):
        a = await self.phone(ZHOU)
        case = await a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", TODAY, TODAY)
        a.use_http_client(PythonHttpClient(fail_with="no route to host"))
        with self.assertRaises(ZhifaError.Network) as offline:
            await self.sync(a)
        self.assertIn("不会丢失", str(offline.exception))
        a.use_http_client(PythonHttpClient())
        self.assertEqual((await self.sync(a)).docs_synced, 1)
        self.assertEqual((await a.cases().get(case.id)).id, case.id)

    async def test_subscriptions_tell_from_the_core_until_their_handle_is_cancelled(self):
        a, b = await self.phone(ZHOU), await self.phone(WU)
        loop = asyncio.get_running_loop()
        changed, codes = asyncio.Queue(), asyncio.Queue()

        class Changes(CaseChangeListener):
            def on_case_changed(self, case_id):
                loop.call_soon_threadsafe(changed.put_nowait, case_id)

        class Codes(EnforcementCodeListener):
            def on_code(self, code):
                loop.call_soon_threadsafe(codes.put_nowait, code)

            def on_error(self, message):
                loop.call_soon_threadsafe(codes.put_nowait, message)

        watching = b.cases().subscribe_changes(Changes())
        case = await a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", TODAY, TODAY)
        await self.sync(a)
        await self.sync(b)
        self.assertEqual(await asyncio.wait_for(changed.get(), 10), case.id)
        self.assertFalse(watching.is_finished())
        watching.cancel()
        self.assertTrue(watching.is_finished())
        await a.cases().edit(case.id, [CaseEdit.APPEND_FINDINGS("再次修改。")])
        await self.sync(a)
        await self.sync(b)
        await asyncio.sleep(0.2)
        self.assertTrue(changed.empty())

        # The code comes at once (the credential came with the first sync); without one, the
        # officer is told why, in words.
        showing = a.codes().subscribe_enforcement_code(None, Codes())
        first = await asyncio.wait_for(codes.get(), 10)
        self.assertTrue(first.payload.startswith("EC1:"))
        showing.cancel()
        unenrolled = await self.store()
        refusing = unenrolled.codes().subscribe_enforcement_code(None, Codes())
        while not isinstance(told := await asyncio.wait_for(codes.get(), 10), str):
            pass
        self.assertIn("执法凭证", told)
        refusing.cancel()


if __name__ == "__main__":
    unittest.main()
