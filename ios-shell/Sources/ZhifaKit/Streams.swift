// AsyncSequence adapters over the core's listeners, so that SwiftUI code writes
// `for try await event in store.sync().syncStream(serverUrl: url)` and `.task { }` ends the
// subscription when the view goes: ending the iteration (or cancelling the enclosing task)
// cancels the sync or the listener's `TaskHandle`.
import Foundation

/// What a sync reports while it runs, then once at the end.
public enum SyncEvent: Sendable {
    case progress(SyncProgress)
    case finished(SyncReport)
}

/// One step of the rotating enforcement code, or why there is none (no valid credential, the
/// device key locked): the text is the officer's, in zh-CN, and the sequence ends after it.
public enum EnforcementCodeEvent: Sendable {
    case code(ShownCode)
    case unavailable(String)
}

extension SyncService {
    /// Progress as it comes, then `.finished(report)`; a refused or failed sync ends the
    /// sequence by throwing its `ZhifaError`. Ending the iteration, or cancelling the task
    /// that iterates, stops the sync at its next safe point (`syncCancellable`), and a later
    /// sync resumes with nothing lost.
    public func syncStream(
        serverUrl: String, options: SyncOptions = defaultSyncOptions()
    ) -> AsyncThrowingStream<SyncEvent, Error> {
        AsyncThrowingStream { continuation in
            let relay = ProgressRelay(continuation)
            let running = Task {
                do {
                    let report = try await self.syncCancellable(
                        serverUrl: serverUrl, options: options, listener: relay)
                    continuation.yield(.finished(report))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in running.cancel() }
        }
    }
}

extension SyncService {
    /// `syncNow` that stops when the calling task is cancelled. UniFFI's Swift does not drop
    /// the Rust future of a cancelled task (Kotlin and Python do, which is what cancels there),
    /// so the task's cancellation calls the service's `cancel()`; the sync then ends with
    /// `ZhifaError.Cancelled`, everything done so far kept.
    public func syncCancellable(
        serverUrl: String, options: SyncOptions = defaultSyncOptions(), listener: SyncListener? = nil
    ) async throws -> SyncReport {
        try Task.checkCancellation()  // cancel() stops only a sync already running
        return try await withTaskCancellationHandler {
            try await syncNow(serverUrl: serverUrl, options: options, listener: listener)
        } onCancel: {
            self.cancel()
        }
    }
}

extension CaseService {
    /// The id of each case a sync or a merge changed, for lists and open forms to reload.
    public func caseChanges() -> AsyncStream<String> {
        AsyncStream { continuation in
            let handle = self.subscribeChanges(listener: CaseChangeRelay(continuation))
            continuation.onTermination = { _ in handle.cancel() }
        }
    }
}

extension CodeService {
    /// The officer's code now and at every 30-second step, bound to `audience` (an
    /// enterprise's credit code) when given.
    public func enforcementCodes(audience: String? = nil) -> AsyncStream<EnforcementCodeEvent> {
        AsyncStream(bufferingPolicy: .bufferingNewest(1)) { continuation in
            let handle = self.subscribeEnforcementCode(
                audience: audience, listener: CodeRelay(continuation))
            continuation.onTermination = { _ in handle.cancel() }
        }
    }
}

private final class ProgressRelay: SyncListener {
    let continuation: AsyncThrowingStream<SyncEvent, Error>.Continuation
    init(_ continuation: AsyncThrowingStream<SyncEvent, Error>.Continuation) {
        self.continuation = continuation
    }
    func onProgress(progress: SyncProgress) { continuation.yield(.progress(progress)) }
}

private final class CaseChangeRelay: CaseChangeListener {
    let continuation: AsyncStream<String>.Continuation
    init(_ continuation: AsyncStream<String>.Continuation) { self.continuation = continuation }
    func onCaseChanged(caseId: String) { continuation.yield(caseId) }
}

private final class CodeRelay: EnforcementCodeListener {
    let continuation: AsyncStream<EnforcementCodeEvent>.Continuation
    init(_ continuation: AsyncStream<EnforcementCodeEvent>.Continuation) {
        self.continuation = continuation
    }
    func onCode(code: ShownCode) { continuation.yield(.code(code)) }
    func onError(message: String) {
        continuation.yield(.unavailable(message))
        continuation.finish()  // the core ends the subscription after an error
    }
}
