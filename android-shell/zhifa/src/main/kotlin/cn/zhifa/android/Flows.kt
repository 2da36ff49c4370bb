// The SDK's listeners as Flows: what a Compose screen or a WorkManager job collects.
// Each flow is cold: collecting starts the work or the subscription, and cancelling the
// collector cancels the sync (at its next safe point) or the subscription's TaskHandle.
package cn.zhifa.android

import cn.zhifa.sdk.CaseChangeListener
import cn.zhifa.sdk.CaseService
import cn.zhifa.sdk.CodeService
import cn.zhifa.sdk.EnforcementCodeListener
import cn.zhifa.sdk.ShownCode
import cn.zhifa.sdk.SyncListener
import cn.zhifa.sdk.SyncService
import cn.zhifa.sdk.core.SyncOptions
import cn.zhifa.sdk.core.SyncProgress
import cn.zhifa.sdk.core.SyncReport
import cn.zhifa.sdk.defaultSyncOptions
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.channelFlow

/** One step of a sync as a Flow sees it: progress while it runs, then the report, once. */
sealed interface SyncEvent {
    data class Progress(val progress: SyncProgress) : SyncEvent
    data class Finished(val report: SyncReport) : SyncEvent
}

/**
 * A sync as a cold Flow: progress events, then [SyncEvent.Finished] with the report. A failed
 * sync ends the flow with its `ZhifaException`; cancelling the collector cancels `syncNow`,
 * which stops at its next safe point, and a later sync resumes with nothing lost.
 */
fun SyncService.syncFlow(
    serverUrl: String,
    options: SyncOptions = defaultSyncOptions(),
): Flow<SyncEvent> = channelFlow {
    // Progress comes on a Rust thread: never block it, the buffer below is unbounded.
    val listener = object : SyncListener {
        override fun onProgress(progress: SyncProgress) {
            trySend(SyncEvent.Progress(progress))
        }
    }
    val report = syncNow(serverUrl, options, listener)
    send(SyncEvent.Finished(report))
}.buffer(Channel.UNLIMITED)

/** The ids of cases a sync or a merge changed, while collected. */
fun CaseService.caseChanges(): Flow<String> = callbackFlow {
    val handle = subscribeChanges(object : CaseChangeListener {
        override fun onCaseChanged(caseId: String) {
            trySend(caseId)
        }
    })
    awaitClose { handle.cancel() }
}.buffer(Channel.UNLIMITED)

/** What the rotating-code screen shows: the code for this step, or why there is none. */
sealed interface CodeUpdate {
    data class Shown(val code: ShownCode) : CodeUpdate
    /** zh-CN, for the officer (no credential, or it expired): the last update of the flow. */
    data class Unavailable(val message: String) : CodeUpdate
}

/**
 * The officer's enforcement code, at once and at each 30-second step, bound to `audience`
 * (an enterprise's credit code) when given. When there can be no code the flow ends with
 * [CodeUpdate.Unavailable]. Only the newest code matters: conflated.
 */
fun CodeService.enforcementCodes(audience: String? = null): Flow<CodeUpdate> = callbackFlow {
    val handle = subscribeEnforcementCode(audience, object : EnforcementCodeListener {
        override fun onCode(code: ShownCode) {
            trySend(CodeUpdate.Shown(code))
        }

        override fun onError(message: String) {
            trySend(CodeUpdate.Unavailable(message))
            channel.close() // the subscription ends with its error
        }
    })
    awaitClose { handle.cancel() }
}.buffer(Channel.CONFLATED)
