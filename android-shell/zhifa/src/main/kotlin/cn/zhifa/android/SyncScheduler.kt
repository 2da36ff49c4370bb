// Runs syncs as the policy says, one at a time, and keeps what a status screen shows. The
// WorkManager worker, the 同步 button and the connectivity callback all go through one
// scheduler per store, so two syncs never overlap.
package cn.zhifa.android

import cn.zhifa.sdk.SyncService
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.SyncOptions
import cn.zhifa.sdk.core.SyncProgress
import cn.zhifa.sdk.core.SyncReport
import cn.zhifa.sdk.defaultSyncOptions
import java.io.File
import java.time.Instant
import java.util.Properties
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.sync.Mutex

/** What the sync status screen draws. */
data class SyncStatus(
    val state: SyncState = SyncState(),
    val running: Boolean = false,
    val progress: SyncProgress? = null,
    val lastReport: SyncReport? = null,
    /** zh-CN: why the last attempt failed (the exception's message), until one succeeds. */
    val lastError: String? = null,
    val online: Boolean = true,
)

class SyncScheduler(
    private val sync: SyncService,
    private val serverUrl: String,
    private val stateFile: SyncStateFile,
    private val policy: SyncPolicy = SyncPolicy(),
    private val now: () -> Instant = Instant::now,
    private val options: () -> SyncOptions = { defaultSyncOptions() },
) {
    private val running = Mutex()
    private val _status = MutableStateFlow(SyncStatus(state = stateFile.load()))
    val status: StateFlow<SyncStatus> = _status.asStateFlow()

    /** Set by the platform's connectivity callback; going online is itself a trigger. */
    fun setOnline(online: Boolean) = _status.update { it.copy(online = online) }

    /** What the policy says now, without running anything (the worker's next delay). */
    fun decide(trigger: SyncTrigger): SyncDecision {
        val s = _status.value
        return policy.decide(s.state, trigger, now(), s.online, running.isLocked)
    }

    /**
     * Syncs if the policy allows it now, and returns the decision taken. Failures are kept in
     * [status] (and thrown: a worker retries, a screen shows the message); cancelling the
     * caller stops the sync at its next safe point and counts as neither success nor failure.
     */
    suspend fun request(trigger: SyncTrigger): SyncDecision {
        val decision = decide(trigger)
        if (decision != SyncDecision.SyncNow) return decision
        if (!running.tryLock()) return SyncDecision.AlreadyRunning
        try {
            val startedAt = now()
            _status.update { it.copy(running = true, progress = null) }
            try {
                sync.syncFlow(serverUrl, options()).collect { event ->
                    when (event) {
                        is SyncEvent.Progress -> _status.update { it.copy(progress = event.progress) }
                        is SyncEvent.Finished -> finish(AttemptResult.SUCCESS, startedAt, event.report, null)
                    }
                }
            } catch (e: ZhifaException.Cancelled) {
                throw e // stopped on request: neither a success nor a failure
            } catch (e: ZhifaException) {
                val result = when (e) {
                    // The server busy is, for the policy, as the network gone: back off.
                    is ZhifaException.Network, is ZhifaException.RateLimited -> AttemptResult.NETWORK_FAILURE
                    is ZhifaException.NotAuthorised -> AttemptResult.NOT_AUTHORISED
                    else -> AttemptResult.OTHER_FAILURE
                }
                finish(result, startedAt, null, e.message)
                throw e
            }
            return decision
        } finally {
            _status.update { it.copy(running = false) }
            running.unlock()
        }
    }

    /** After enrolling again, a refused device may sync. */
    fun enrolled() = record(policy.enrolled(_status.value.state))

    private fun finish(result: AttemptResult, startedAt: Instant, report: SyncReport?, error: String?) {
        val state = policy.after(_status.value.state, result, startedAt)
        stateFile.save(state)
        _status.update {
            it.copy(state = state, lastReport = report ?: it.lastReport, lastError = error, progress = null)
        }
    }

    private fun record(state: SyncState) {
        stateFile.save(state)
        _status.update { it.copy(state = state, lastError = null) }
    }
}

/** The policy's memory, a small properties file beside the store (written atomically). */
class SyncStateFile(private val file: File) {
    fun load(): SyncState {
        if (!file.exists()) return SyncState()
        val p = Properties().apply { file.inputStream().use { load(it) } }
        return SyncState(
            lastAttemptAt = p.getProperty("last_attempt")?.let(Instant::parse),
            lastSuccessAt = p.getProperty("last_success")?.let(Instant::parse),
            consecutiveFailures = p.getProperty("failures")?.toIntOrNull() ?: 0,
            notAuthorised = p.getProperty("not_authorised") == "true",
        )
    }

    fun save(state: SyncState) {
        val p = Properties()
        state.lastAttemptAt?.let { p.setProperty("last_attempt", it.toString()) }
        state.lastSuccessAt?.let { p.setProperty("last_success", it.toString()) }
        p.setProperty("failures", state.consecutiveFailures.toString())
        p.setProperty("not_authorised", state.notAuthorised.toString())
        val tmp = File(file.path + ".tmp")
        tmp.outputStream().use { p.store(it, null) }
        if (!tmp.renameTo(file)) throw java.io.IOException("cannot replace $file")
    }
}
