// The scheduling policy as pure logic.
package cn.zhifa.android

import cn.zhifa.testing.Fixtures
import java.io.File
import java.time.Duration
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class SyncPolicyTest {
    private val policy = SyncPolicy()
    private val t0 = Instant.parse("2026-12-01T02:00:00Z")
    private fun at(seconds: Long) = t0.plusSeconds(seconds)
    private fun decide(state: SyncState, trigger: SyncTrigger, now: Instant, online: Boolean = true, running: Boolean = false) =
        policy.decide(state, trigger, now, online, running)

    @Test
    fun `never two at once, never offline, never when refused`() {
        assertEquals(SyncDecision.AlreadyRunning, decide(SyncState(), SyncTrigger.USER, t0, running = true))
        assertEquals(SyncDecision.WaitForNetwork, decide(SyncState(), SyncTrigger.USER, t0, online = false))
        assertEquals(SyncDecision.NeedsEnrolment, decide(SyncState(notAuthorised = true), SyncTrigger.USER, t0))
    }

    @Test
    fun `the first sync is at once, then every interval`() {
        assertEquals(SyncDecision.SyncNow, decide(SyncState(), SyncTrigger.PERIODIC, t0))
        val synced = policy.after(SyncState(), AttemptResult.SUCCESS, t0)
        assertEquals(SyncDecision.WaitUntil(t0.plus(policy.interval)), decide(synced, SyncTrigger.PERIODIC, at(60)))
        assertEquals(SyncDecision.SyncNow, decide(synced, SyncTrigger.PERIODIC, t0.plus(policy.interval)))
        // A saved case goes up within the debounce, not after the whole interval.
        assertEquals(SyncDecision.WaitUntil(t0.plus(policy.localChangeDebounce)), decide(synced, SyncTrigger.LOCAL_CHANGE, at(10)))
        assertEquals(SyncDecision.SyncNow, decide(synced, SyncTrigger.LOCAL_CHANGE, at(61)))
    }

    @Test
    fun `network failures back off, doubling to the cap`() {
        assertEquals(Duration.ofSeconds(30), policy.backoff(1))
        assertEquals(Duration.ofSeconds(60), policy.backoff(2))
        assertEquals(Duration.ofSeconds(240), policy.backoff(4))
        assertEquals(policy.maxBackoff, policy.backoff(12))
        assertEquals(policy.maxBackoff, policy.backoff(1000))
        var state = SyncState()
        repeat(3) { state = policy.after(state, AttemptResult.NETWORK_FAILURE, t0) }
        assertEquals(3, state.consecutiveFailures)
        assertEquals(SyncDecision.WaitUntil(t0.plus(Duration.ofSeconds(120))), decide(state, SyncTrigger.PERIODIC, at(100)))
        assertEquals(SyncDecision.WaitUntil(t0.plus(Duration.ofSeconds(120))), decide(state, SyncTrigger.LOCAL_CHANGE, at(100)))
        assertEquals(SyncDecision.SyncNow, decide(state, SyncTrigger.PERIODIC, at(120)))
        // The network coming back, or the officer's tap, skips the backoff.
        assertEquals(SyncDecision.SyncNow, decide(state, SyncTrigger.CONNECTIVITY, at(1)))
        assertEquals(SyncDecision.SyncNow, decide(state, SyncTrigger.USER, at(1)))
        // A success forgets the failures.
        val ok = policy.after(state, AttemptResult.SUCCESS, at(130))
        assertEquals(0, ok.consecutiveFailures)
        assertEquals(at(130), ok.lastSuccessAt)
    }

    @Test
    fun `a refusal waits for enrolment, which clears it`() {
        val refused = policy.after(SyncState(), AttemptResult.NOT_AUTHORISED, t0)
        assertEquals(SyncDecision.NeedsEnrolment, decide(refused, SyncTrigger.CONNECTIVITY, at(3600)))
        assertEquals(SyncDecision.SyncNow, decide(policy.enrolled(refused), SyncTrigger.USER, at(3600)))
    }

    @Test
    fun `the state survives the process in its file`() {
        val file = File(Fixtures.tempDir("zhifa-policy"), "sync-policy.properties")
        val states = SyncStateFile(file)
        assertEquals(SyncState(), states.load())
        val state = SyncState(lastAttemptAt = at(5), lastSuccessAt = t0, consecutiveFailures = 2, notAuthorised = false)
        states.save(state)
        assertEquals(state, SyncStateFile(file).load())
    }
}
