// When to sync, as pure logic: the worker, the app's "sync now" button and the connectivity
// callback all ask the policy, so a phone in a basement does not hammer the server and a
// phone that just came back online does not wait out its backoff.
package cn.zhifa.android

import java.time.Duration
import java.time.Instant

/** What asked for a sync. */
enum class SyncTrigger {
    /** The periodic job (WorkManager's interval). */
    PERIODIC,

    /** The network came back. */
    CONNECTIVITY,

    /** The officer pressed 同步; a tap always tries at once. */
    USER,

    /** Something changed on the device that the team should see soon (a case saved). */
    LOCAL_CHANGE,
}

/** How the last syncs went, kept across process deaths ([SyncStateFile]). */
data class SyncState(
    val lastAttemptAt: Instant? = null,
    val lastSuccessAt: Instant? = null,
    /** Failed syncs in a row since the last success. */
    val consecutiveFailures: Int = 0,
    /** The server refused this device (not enrolled, revoked): only enrolment helps. */
    val notAuthorised: Boolean = false,
)

sealed interface SyncDecision {
    data object SyncNow : SyncDecision

    /** Not before [at] (backoff, or the next periodic slot). */
    data class WaitUntil(val at: Instant) : SyncDecision

    /** Offline: wait for connectivity, not for time. */
    data object WaitForNetwork : SyncDecision

    /** One sync at a time: this one is already running. */
    data object AlreadyRunning : SyncDecision

    /** The server refused the device; syncing again cannot help until it is enrolled. */
    data object NeedsEnrolment : SyncDecision
}

/** How a finished attempt ended, as the policy needs it. */
enum class AttemptResult { SUCCESS, NETWORK_FAILURE, NOT_AUTHORISED, OTHER_FAILURE }

data class SyncPolicy(
    val interval: Duration = Duration.ofMinutes(15),
    val firstBackoff: Duration = Duration.ofSeconds(30),
    val maxBackoff: Duration = Duration.ofMinutes(30),
    /** A local change waits at least this long after the last attempt (typing a case). */
    val localChangeDebounce: Duration = Duration.ofSeconds(60),
) {
    /** Doubling from [firstBackoff] for each failure in a row, at most [maxBackoff]. */
    fun backoff(failures: Int): Duration {
        if (failures <= 0) return Duration.ZERO
        val doublings = minOf(failures - 1, 30)
        val millis = firstBackoff.toMillis().toBigInteger().shiftLeft(doublings)
        return if (millis > maxBackoff.toMillis().toBigInteger()) maxBackoff else Duration.ofMillis(millis.toLong())
    }

    fun decide(
        state: SyncState,
        trigger: SyncTrigger,
        now: Instant,
        online: Boolean,
        running: Boolean,
    ): SyncDecision {
        if (running) return SyncDecision.AlreadyRunning
        if (state.notAuthorised) return SyncDecision.NeedsEnrolment
        if (!online) return SyncDecision.WaitForNetwork
        // The officer asked, or the network we were waiting for is back: try now.
        if (trigger == SyncTrigger.USER || trigger == SyncTrigger.CONNECTIVITY) return SyncDecision.SyncNow
        val last = state.lastAttemptAt ?: return SyncDecision.SyncNow
        if (state.consecutiveFailures > 0) {
            return waitOrNow(last.plus(backoff(state.consecutiveFailures)), now)
        }
        return when (trigger) {
            SyncTrigger.LOCAL_CHANGE -> waitOrNow(last.plus(localChangeDebounce), now)
            else -> waitOrNow((state.lastSuccessAt ?: last).plus(interval), now)
        }
    }

    /** The state after an attempt that started at [startedAt] ended with [result]. */
    fun after(state: SyncState, result: AttemptResult, startedAt: Instant): SyncState = when (result) {
        AttemptResult.SUCCESS -> SyncState(lastAttemptAt = startedAt, lastSuccessAt = startedAt)
        AttemptResult.NOT_AUTHORISED -> state.copy(lastAttemptAt = startedAt, notAuthorised = true)
        AttemptResult.NETWORK_FAILURE, AttemptResult.OTHER_FAILURE ->
            state.copy(lastAttemptAt = startedAt, consecutiveFailures = state.consecutiveFailures + 1)
    }

    /** After a new enrolment the refusal no longer holds. */
    fun enrolled(state: SyncState): SyncState = state.copy(notAuthorised = false, consecutiveFailures = 0)

    private fun waitOrNow(at: Instant, now: Instant): SyncDecision =
        if (now >= at) SyncDecision.SyncNow else SyncDecision.WaitUntil(at)
}
