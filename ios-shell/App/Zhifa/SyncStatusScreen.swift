// Sync status: what is waiting, the progress of a running sync (from `syncStream`), the last
// report, and documents the server refused. Stopping cancels the task; nothing is lost and
// the next sync resumes.
import SwiftUI
import ZhifaKit

@MainActor
final class SyncModel: ObservableObject {
    @Published private(set) var progress: SyncProgress?
    @Published private(set) var lastReport: SyncReport?
    @Published private(set) var refused: [RefusedDocument] = []
    @Published private(set) var pendingEvents: Int64 = 0
    @Published private(set) var error: String?
    private var running: Task<Void, Never>?
    private let store: ZhifaStore

    private static var instance: SyncModel?
    /// One model for the app, so a sync started here keeps running across tab switches.
    static func shared(store: ZhifaStore) -> SyncModel {
        if let instance { return instance }
        let model = SyncModel(store: store)
        instance = model
        return model
    }

    private init(store: ZhifaStore) { self.store = store }

    var isRunning: Bool { running != nil }

    func loadStatus() async {
        refused = (try? await store.sync().refusedDocuments()) ?? []
        pendingEvents = (try? await store.sync().pendingEventCount()) ?? 0
    }

    func start() {
        guard running == nil else { return }
        error = nil
        running = Task {
            do {
                for try await event in store.sync().syncStream(serverUrl: AppConfig.serverURL) {
                    switch event {
                    case .progress(let progress): self.progress = progress
                    case .finished(let report): lastReport = report
                    }
                }
            } catch {
                self.error = error.localizedDescription
            }
            progress = nil
            running = nil
            await loadStatus()
        }
    }

    func stop() { running?.cancel() }
}

struct SyncStatusView: View {
    @ObservedObject var model: SyncModel

    var body: some View {
        List {
            Section {
                if let progress = model.progress {
                    ProgressView(
                        value: Double(progress.docsDone), total: Double(max(progress.docsTotal, 1))
                    ) { Text(phaseName(progress.phase)) }
                    Button("停止同步", role: .cancel) { model.stop() }
                } else {
                    Button("立即同步") { model.start() }
                }
                Text("待上传记录 \(model.pendingEvents) 条")
            }
            if let report = model.lastReport {
                Section("上次同步") {
                    Text("案卷 \(report.docsSynced) 份，记录 \(report.eventsSent) 条，证据 \(report.blobsSent) 个")
                    if report.credentialRenewed { Text("执法证已更新") }
                }
            }
            if !model.refused.isEmpty {
                Section("服务器未接收") {
                    ForEach(model.refused, id: \.id) { Text($0.userMessage) }
                }
            }
            if let error = model.error { Section { Text(error).foregroundStyle(.red) } }
        }
        .navigationTitle("同步")
        .task { await model.loadStatus() }
    }

    private func phaseName(_ phase: SyncPhase) -> String {
        switch phase {
        case .evidence: return "上传证据"
        case .documents: return "同步案卷"
        case .events: return "上传记录"
        case .caseNumbers: return "领取案件编号"
        case .catalogue: return "更新目录"
        case .credential: return "更新执法证"
        case .done: return "完成"
        }
    }
}
