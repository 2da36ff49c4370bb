// Sync status: when the device last synced, what a running sync is doing, why the last one
// failed and when it will try again, what is still waiting to go up, and which documents the
// server refused. "同步" asks the scheduler, which never runs two syncs at once.
package cn.zhifa.app.model

import cn.zhifa.android.SyncDecision
import cn.zhifa.android.SyncScheduler
import cn.zhifa.android.SyncStatus
import cn.zhifa.android.SyncTrigger
import cn.zhifa.sdk.SyncService
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.SyncPhase
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

data class SyncStatusView(
    val running: Boolean = false,
    /** 上次同步：…, or 尚未同步. */
    val last: String = Texts.SYNC_NEVER,
    /** What a running sync is doing, or how the last one ended. */
    val activity: String? = null,
    /** zh-CN: the last failure and when it is retried. */
    val problem: String? = null,
    val pending: String? = null,
    /** The server's refusals, each the officer's text. */
    val refused: List<String> = emptyList(),
)

class SyncStatusModel(private val scheduler: SyncScheduler, private val sync: SyncService) {
    private val _view = MutableStateFlow(SyncStatusView())
    val view: StateFlow<SyncStatusView> = _view.asStateFlow()

    /** Redraws from the scheduler's status; the screen collects `scheduler.status` into this. */
    fun show(status: SyncStatus) = _view.update { old ->
        val decision = scheduler.decide(SyncTrigger.PERIODIC)
        old.copy(
            running = status.running,
            last = status.state.lastSuccessAt?.let(Texts::syncLast) ?: Texts.SYNC_NEVER,
            activity = when {
                status.running -> status.progress?.let { Texts.syncPhase(phaseName(it.phase), it.docsDone, it.docsTotal) }
                    ?: Texts.syncPhase("", 0, 0)
                status.lastReport != null && status.lastError == null ->
                    status.lastReport.let { Texts.syncDone(it.docsSynced, it.eventsSent) }
                else -> null
            },
            problem = when {
                status.state.notAuthorised -> Texts.SYNC_NEEDS_ENROLMENT
                !status.online -> Texts.SYNC_WAIT_NETWORK
                status.lastError != null -> status.lastError +
                    ((decision as? SyncDecision.WaitUntil)?.let { "，" + Texts.syncRetryAt(it.at) } ?: "")
                else -> null
            },
        )
    }

    /** Reads what is waiting on the device (after a sync, or when the screen opens). */
    suspend fun refreshCounts() {
        try {
            val pending = sync.pendingEventCount()
            val refused = sync.refusedDocuments().map { it.userMessage }
            _view.update { it.copy(pending = Texts.syncPending(pending), refused = refused) }
        } catch (e: ZhifaException) {
            _view.update { it.copy(problem = e.message) }
        }
    }

    /** The 同步 button. A failure is already in the status; here it only ends the attempt. */
    suspend fun syncNow() {
        val decision = try {
            scheduler.request(SyncTrigger.USER)
        } catch (e: ZhifaException) {
            null
        }
        when (decision) {
            SyncDecision.AlreadyRunning -> _view.update { it.copy(activity = Texts.SYNC_ALREADY_RUNNING) }
            SyncDecision.WaitForNetwork -> _view.update { it.copy(problem = Texts.SYNC_WAIT_NETWORK) }
            SyncDecision.NeedsEnrolment -> _view.update { it.copy(problem = Texts.SYNC_NEEDS_ENROLMENT) }
            else -> Unit
        }
        show(scheduler.status.value)
        refreshCounts()
    }

    companion object {
        fun phaseName(phase: SyncPhase): String = when (phase) {
            SyncPhase.EVIDENCE -> "证据"
            SyncPhase.DOCUMENTS -> "案卷"
            SyncPhase.EVENTS -> "执法记录"
            SyncPhase.CASE_NUMBERS -> "案件编号"
            SyncPhase.CATALOGUE -> "执法目录"
            SyncPhase.CREDENTIAL -> "执法凭证"
            SyncPhase.DONE -> "完成"
        }
    }
}
