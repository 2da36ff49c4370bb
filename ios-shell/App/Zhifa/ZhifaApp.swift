// The officer's app: thin SwiftUI views over small observable models, each of which calls
// ZhifaKit and keeps only what its screen shows. Every rule (the procedure, the discretion
// engine, code verification) runs in the core.
import BackgroundTasks
import SwiftUI
import ZhifaKit

@main
struct ZhifaApp: App {
    @StateObject private var app = AppModel()

    init() { BackgroundSync.register() }

    var body: some Scene {
        WindowGroup {
            Group {
                switch app.state {
                case .opening: ProgressView("正在打开…")
                case .failed(let message): Text(message).padding()
                case .notEnrolled(let store): EnrolView(model: EnrolModel(store: store, app: app))
                case .ready(let store): HomeView(store: store)
                }
            }
            .task { await app.open() }
        }
    }
}

struct HomeView: View {
    let store: ZhifaStore

    var body: some View {
        TabView {
            NavigationStack { MyCodeView(model: MyCodeModel(codes: store.codes())) }
                .tabItem { Label("执法码", systemImage: "qrcode") }
            NavigationStack { ScanView(model: ScanModel(codes: store.codes())) }
                .tabItem { Label("扫企业码", systemImage: "qrcode.viewfinder") }
            NavigationStack { InspectionListView(model: InspectionListModel(store: store)) }
                .tabItem { Label("检查", systemImage: "checklist") }
            NavigationStack { SyncStatusView(model: SyncModel.shared(store: store)) }
                .tabItem { Label("同步", systemImage: "arrow.triangle.2.circlepath") }
        }
    }
}
