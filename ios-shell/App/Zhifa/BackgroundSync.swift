// Sync in the background with BGTaskScheduler: when iOS ends the task early, the expiration
// handler cancels it, the core stops at its next safe point, and the next run resumes.
import BackgroundTasks
import ZhifaKit

enum BackgroundSync {
    static let identifier = "cn.zhifa.sync"
    nonisolated(unsafe) static var store: ZhifaStore?

    static func register() {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            run(task as! BGProcessingTask)
        }
    }

    static func schedule() {
        let request = BGProcessingTaskRequest(identifier: identifier)
        request.requiresNetworkConnectivity = true
        request.earliestBeginDate = Date(timeIntervalSinceNow: 15 * 60)
        try? BGTaskScheduler.shared.submit(request)
    }

    private static func run(_ task: BGProcessingTask) {
        schedule()
        guard let store else { return task.setTaskCompleted(success: false) }
        let sync = Task {
            do {
                _ = try await store.sync().syncCancellable(serverUrl: AppConfig.serverURL)
                task.setTaskCompleted(success: true)
            } catch {
                task.setTaskCompleted(success: false)
            }
        }
        task.expirationHandler = { sync.cancel() }
    }
}
