// Enrol: the one-time code the administrator gave the officer binds this phone's Secure
// Enclave key to the officer; the first sync then brings the catalogue and the credential.
import SwiftUI
import ZhifaKit

@MainActor
final class EnrolModel: ObservableObject {
    @Published var code = ""
    @Published var label = UIDevice.current.name
    @Published private(set) var busy = false
    @Published private(set) var error: String?

    private let store: ZhifaStore
    private weak var app: AppModel?

    init(store: ZhifaStore, app: AppModel) {
        self.store = store
        self.app = app
    }

    var canSubmit: Bool { !busy && !code.trimmingCharacters(in: .whitespaces).isEmpty }

    func enrol() async {
        busy = true
        defer { busy = false }
        do {
            _ = try await store.sync().enrol(
                serverUrl: AppConfig.serverURL, code: code.trimmingCharacters(in: .whitespaces),
                label: label)
            _ = try await store.sync().syncNow(
                serverUrl: AppConfig.serverURL, options: defaultSyncOptions(), listener: nil)
            app?.enrolled(store)
        } catch {
            self.error = error.localizedDescription  // the core's zh-CN text
        }
    }
}

struct EnrolView: View {
    @StateObject var model: EnrolModel

    var body: some View {
        Form {
            Section("设备登记") {
                TextField("登记码", text: $model.code)
                    .textInputAutocapitalization(.characters)
                    .autocorrectionDisabled()
                TextField("设备名称", text: $model.label)
            }
            if let error = model.error {
                Section { Text(error).foregroundStyle(.red) }
            }
            Button(model.busy ? "正在登记…" : "登记本机") { Task { await model.enrol() } }
                .disabled(!model.canSubmit)
        }
    }
}
