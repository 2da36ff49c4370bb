package cn.zhifa.app.model

import cn.zhifa.android.SyncScheduler
import cn.zhifa.android.SyncStateFile
import cn.zhifa.android.SyncStatus
import cn.zhifa.sdk.defaultSyncOptions
import cn.zhifa.sdk.core.SyncPhase
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import java.io.File
import java.time.Instant
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncStatusModelTest {
    private val server = TestServer()
    private val at = Instant.parse("2026-12-01T06:05:00Z") // 14:05 in Beijing

    @AfterAll
    fun stop() = server.close()

    private fun scheduler(sync: cn.zhifa.sdk.SyncService, url: String = server.url) = SyncScheduler(
        sync, url, SyncStateFile(File(Fixtures.tempDir("zhifa-status"), "p")), now = { at },
        options = { Fixtures.quickOptions() },
    )

    @Test
    fun `never, then the last sync in Beijing time, and what waits to go up`() = runBlocking {
        val phone = server.phone(Officers.A)
        val scheduler = scheduler(phone.sync())
        val model = SyncStatusModel(scheduler, phone.sync())
        model.show(scheduler.status.value)
        assertEquals(Texts.SYNC_NEVER, model.view.value.last)

        model.syncNow() // brings the duty credential
        var view = model.view.value
        assertEquals("上次同步：2026年12月1日 14:05", view.last)
        assertTrue(view.activity!!.startsWith("同步完成："), view.activity)
        assertNull(view.problem)
        assertEquals("没有待上传的记录", view.pending)
        assertEquals(emptyList<String>(), view.refused)

        phone.codes().openVisit(server.enterpriseCode("91500103MA5U1A0E5B"), null, emptyList(), null)
        model.refreshCounts()
        assertEquals("待上传记录 1 条", model.view.value.pending)
        model.syncNow()
        view = model.view.value
        assertEquals("没有待上传的记录", view.pending)
        assertTrue(view.activity!!.contains("记录 1 条"), view.activity)
    }

    @Test
    fun `a failure shows the core's text and when it is retried`() = runBlocking {
        val phone = server.phone(Officers.A)
        val closed = "http://127.0.0.1:" + java.net.ServerSocket(0).use { it.localPort }
        val scheduler = scheduler(phone.sync(), closed)
        val model = SyncStatusModel(scheduler, phone.sync())
        model.syncNow()
        val problem = model.view.value.problem!!
        assertTrue(problem.endsWith("，将于 14:05:30 重试"), problem)
        assertTrue(problem.startsWith(scheduler.status.value.lastError!!), problem)
        assertEquals(Texts.SYNC_NEVER, model.view.value.last)
    }

    @Test
    fun `offline, refused, and a running sync's progress`() = runBlocking {
        val stranger = server.newStore()
        val scheduler = scheduler(stranger.sync())
        val model = SyncStatusModel(scheduler, stranger.sync())
        scheduler.setOnline(false)
        model.syncNow()
        assertEquals(Texts.SYNC_WAIT_NETWORK, model.view.value.problem)
        scheduler.setOnline(true)
        model.syncNow()
        assertEquals(Texts.SYNC_NEEDS_ENROLMENT, model.view.value.problem)

        model.show(SyncStatus(running = true, progress = Fixtures.progress(SyncPhase.DOCUMENTS, 3, 10)))
        assertEquals("正在同步案卷（3/10）", model.view.value.activity)
        assertTrue(model.view.value.running)
        assertEquals("执法凭证", SyncStatusModel.phaseName(SyncPhase.CREDENTIAL))
    }
}
