// The scheduler applying the policy to a real store and a real server: failures counted
// and backed off, the state kept in its file, a refused device left alone until enrolled.
package cn.zhifa.android

import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.defaultSyncOptions
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import cn.zhifa.testing.thrown
import java.io.File
import java.time.Instant
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SyncSchedulerTest {
    private val policy = SyncPolicy()
    private val t0 = Instant.parse("2026-12-01T02:00:00Z")
    private fun at(seconds: Long) = t0.plusSeconds(seconds)
    private val server = TestServer()

    @AfterAll
    fun stop() = server.close()

    @Test
    fun `the scheduler counts a real network failure, backs off, and recovers`() = runBlocking {
        val phone = server.phone(Officers.A)
        val file = File(Fixtures.tempDir("zhifa-policy"), "sync-policy.properties")
        var now = t0
        val closed = "http://127.0.0.1:" + java.net.ServerSocket(0).use { it.localPort }
        val quick = { Fixtures.quickOptions() }
        val down = SyncScheduler(phone.sync(), closed, SyncStateFile(file), now = { now }, options = quick)
        val e = thrown<ZhifaException.Network> { down.request(SyncTrigger.USER) }
        assertEquals(e.message, down.status.value.lastError, "the status shows the exception's text")
        assertEquals(1, down.status.value.state.consecutiveFailures)
        now = at(10)
        assertEquals(SyncDecision.WaitUntil(t0.plus(policy.firstBackoff)), down.request(SyncTrigger.PERIODIC), "backing off: nothing ran")

        // The same phone, the server reachable, the policy's memory read back from its file.
        val up = SyncScheduler(phone.sync(), server.url, SyncStateFile(file), now = { now })
        assertEquals(1, up.status.value.state.consecutiveFailures)
        assertEquals(SyncDecision.SyncNow, up.request(SyncTrigger.CONNECTIVITY))
        val status = up.status.value
        assertEquals(0, status.state.consecutiveFailures)
        assertEquals(at(10), status.state.lastSuccessAt)
        assertNotNull(status.lastReport)
        assertTrue(status.lastError == null && !status.running)
    }

    @Test
    fun `the scheduler stops asking once the server refuses the device`() = runBlocking {
        val stranger = server.newStore()
        val scheduler = SyncScheduler(stranger.sync(), server.url, SyncStateFile(File(Fixtures.tempDir("zhifa-policy"), "p")))
        thrown<ZhifaException.NotAuthorised> { scheduler.request(SyncTrigger.USER) }
        assertEquals(SyncDecision.NeedsEnrolment, scheduler.request(SyncTrigger.CONNECTIVITY))
        stranger.sync().enrol(server.url, server.enrolmentCode(Officers.B), "now enrolled")
        scheduler.enrolled()
        assertEquals(SyncDecision.SyncNow, scheduler.request(SyncTrigger.USER))
    }
}
