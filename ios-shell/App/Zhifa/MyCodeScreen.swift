// My enforcement code: shown at full brightness, redrawn at every 30-second step from the
// core's subscription; the screen's brightness comes back when the view goes.
import SwiftUI
import ZhifaKit

@MainActor
final class MyCodeModel: ObservableObject {
    @Published private(set) var image: UIImage?
    @Published private(set) var unavailable: String?
    @Published private(set) var step: Int64 = 0

    private let codes: CodeService
    private let audience: String?

    /// `audience`: the credit code of the enterprise the code is shown to, once scanned.
    init(codes: CodeService, audience: String? = nil) {
        self.codes = codes
        self.audience = audience
    }

    /// Runs while the view is visible (`.task`), ending the subscription when it goes.
    func follow() async {
        for await event in codes.enforcementCodes(audience: audience) {
            switch event {
            case .code(let code):
                step = code.step
                unavailable = nil
                image = (try? qrPng(payload: code.payload, modulePixels: 8)).flatMap(UIImage.init(data:))
            case .unavailable(let message):
                image = nil
                unavailable = message
            }
        }
    }

    /// Seconds left in the current step, for the countdown under the code.
    func secondsLeft(at now: Date) -> Int {
        30 - Int(now.timeIntervalSince1970) % 30
    }
}

struct MyCodeView: View {
    @StateObject var model: MyCodeModel
    @State private var savedBrightness: CGFloat = UIScreen.main.brightness

    var body: some View {
        VStack(spacing: 16) {
            if let image = model.image {
                Image(uiImage: image).interpolation(.none).resizable().scaledToFit().padding()
                TimelineView(.periodic(from: .now, by: 1)) { context in
                    Text("\(model.secondsLeft(at: context.date)) 秒后刷新").foregroundStyle(.secondary)
                }
            } else if let message = model.unavailable {
                Text(message).multilineTextAlignment(.center).padding()
            } else {
                ProgressView()
            }
        }
        .navigationTitle("我的执法码")
        .task { await model.follow() }
        .onAppear {
            savedBrightness = UIScreen.main.brightness
            UIScreen.main.brightness = 1
            UIApplication.shared.isIdleTimerDisabled = true
        }
        .onDisappear {
            UIScreen.main.brightness = savedBrightness
            UIApplication.shared.isIdleTimerDisabled = false
        }
    }
}
