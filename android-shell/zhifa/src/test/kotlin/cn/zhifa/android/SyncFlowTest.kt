// Sync as a cancellable suspend call with progress as a Flow, against the real server binary.
package cn.zhifa.android

import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.ZhifaStore
import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.core.SyncPhase
import cn.zhifa.sdk.defaultSyncOptions
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import cn.zhifa.testing.thrown
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncFlowTest {
    private val server = TestServer()

    @AfterAll
    fun stop() = server.close()

    @Test
    fun `the flow emits progress, then the report once, last`() = runBlocking {
        val phone = server.phone(Officers.A)
        val events = phone.sync().syncFlow(server.url).toList()
        val finished = events.last()
        assertTrue(finished is SyncEvent.Finished, "the report comes last: $events")
        assertEquals(1, events.count { it is SyncEvent.Finished })
        assertTrue((finished as SyncEvent.Finished).report.credentialRenewed, "a duty credential arrives")
        val phases = events.filterIsInstance<SyncEvent.Progress>().map { it.progress.phase }
        assertEquals(SyncPhase.DONE, phases.last(), "progress ends with DONE: $phases")
        assertTrue(phases.contains(SyncPhase.DOCUMENTS), "progress passes through the documents: $phases")
    }

    @Test
    fun `a sync cancelled mid-way resumes with nothing lost`() = runBlocking {
        val a = server.phone(Officers.A)
        val b = server.phone(Officers.B)
        val count = 120
        val today = Fixtures.today()
        val ids = (1..count).map { n ->
            val case = a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
            a.cases().edit(case.id, listOf(CaseEdit.AppendFindings("第${n}号检查：消毒柜未通电。")))
            case.id
        }.toSet()

        // Collecting stops at the first documents round that went over the wire: `first`
        // cancels the flow, which cancels syncNow in the middle of the documents.
        val stoppedAt = a.sync().syncFlow(server.url).first {
            it is SyncEvent.Progress && it.progress.phase == SyncPhase.DOCUMENTS && it.progress.bytesSent.toLong() > 0
        } as SyncEvent.Progress
        assertTrue(stoppedAt.progress.docsDone < stoppedAt.progress.docsTotal || stoppedAt.progress.docsTotal.toLong() == 0L,
            "cancelled before the documents were through: ${stoppedAt.progress}")

        // Resumed, then fetched by the teammate's phone: every case arrived, with its findings.
        val resumed = a.sync().syncNow(server.url, defaultSyncOptions(), null)
        assertTrue(resumed.docsSynced.toLong() > 0, "the resumed sync had documents left to send: $resumed")
        println("cancelled at ${stoppedAt.progress}; the resumed sync exchanged ${resumed.docsSynced} documents")
        b.sync().syncNow(server.url, defaultSyncOptions(), null)
        val arrived = allCaseIds(b)
        assertTrue(arrived.containsAll(ids), "missing on the second phone: ${(ids - arrived).size} of $count")
        val sample = ids.first()
        assertTrue(b.cases().get(sample).onsite.findings.contains("消毒柜未通电"), "findings arrived whole")
    }

    @Test
    fun `sync cancel() stops a running sync, which resumes later`() = runBlocking {
        val a = server.phone(Officers.A)
        val today = Fixtures.today()
        repeat(40) { a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today) }
        val error = thrown<ZhifaException.Cancelled> {
            a.sync().syncFlow(server.url).collect {
                if (it is SyncEvent.Progress && it.progress.phase == SyncPhase.DOCUMENTS) a.sync().cancel()
            }
        }
        assertTrue(error.message!!.any { c -> c.code in 0x4E00..0x9FFF }, "zh-CN: ${error.message}")
        assertTrue(a.sync().syncNow(server.url, defaultSyncOptions(), null).docsSynced.toLong() > 0, "resumed")
    }

    @Test
    fun `a second sync waits for the first instead of failing`() = runBlocking {
        val phone = server.phone(Officers.A)
        val scheduler = SyncScheduler(phone.sync(), server.url, SyncStateFile(java.io.File(Fixtures.tempDir("policy"), "p")))
        val results = listOf(
            async { runCatching { scheduler.request(SyncTrigger.USER) } },
            async { runCatching { scheduler.request(SyncTrigger.USER) } },
        ).map { it.await().getOrThrow() }
        assertEquals(setOf(SyncDecision.SyncNow, SyncDecision.AlreadyRunning), results.toSet(), "one ran, one was told: $results")
        // And the SDK itself serialises two direct calls: both complete.
        val both = listOf(
            async { phone.sync().syncNow(server.url, defaultSyncOptions(), null) },
            async { phone.sync().syncNow(server.url, defaultSyncOptions(), null) },
        ).map { it.await() }
        assertEquals(2, both.size)
    }

    private suspend fun allCaseIds(store: ZhifaStore): Set<String> {
        val ids = mutableSetOf<String>()
        var after: String? = null
        while (true) {
            val page = store.cases().list(Fixtures.casePage(after))
            if (page.isEmpty()) return ids
            page.mapTo(ids) { it.id }
            after = page.last().id
        }
    }
}
