// Opens the store with the platform's parts: the Secure Enclave device key, the Keychain
// wrapping of the data key, the boot-session monotonic clock.
import Foundation
import ZhifaKit

enum AppConfig {
    static var serverURL: String { info("ZhifaServerURL") }
    static var jurisdiction: [String] { info("ZhifaJurisdiction").split(separator: ",").map(String.init) }
    static var authorityKey: Data { Data(base64Encoded: info("ZhifaAuthorityKey")) ?? Data() }

    private static func info(_ key: String) -> String {
        Bundle.main.object(forInfoDictionaryKey: key) as? String ?? ""
    }
}

@MainActor
final class AppModel: ObservableObject {
    enum State {
        case opening
        case failed(String)
        case notEnrolled(ZhifaStore)
        case ready(ZhifaStore)
    }

    @Published private(set) var state = State.opening

    func open() async {
        guard case .opening = state else { return }
        do {
            let directory = try FileManager.default
                .url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
                .appendingPathComponent("zhifa", isDirectory: true)
            let config = StoreConfig(
                directory: directory.path, jurisdiction: AppConfig.jurisdiction,
                authorityKeys: [AppConfig.authorityKey], passphrase: nil, lightKdfForTests: false)
            let store = try await ZhifaStore.openWithPlatform(
                config: config, keystore: try SecureEnclaveKeystore.loadOrCreate(),
                keyWrapper: KeychainKeyWrapper(), clock: MonotonicClock())
            BackgroundSync.store = store
            state = try await store.sync().enrolment() == nil ? .notEnrolled(store) : .ready(store)
        } catch {
            state = .failed(error.localizedDescription)
        }
    }

    func enrolled(_ store: ZhifaStore) {
        state = .ready(store)
        BackgroundSync.schedule()
    }
}
