// Scan the enterprise code at the door (AVFoundation): the core verifies it offline, opens
// the visit and returns the enforcement code bound to that enterprise, shown at once.
import AVFoundation
import SwiftUI
import ZhifaKit

@MainActor
final class ScanModel: ObservableObject {
    @Published private(set) var visit: VisitOpened?
    @Published private(set) var error: String?
    let codes: CodeService

    init(codes: CodeService) { self.codes = codes }

    func scanned(_ text: String) async {
        guard visit == nil else { return }
        do {
            visit = try await codes.openVisit(
                scannedEnterpriseCode: text, gps: nil, officersPresent: [], plannedCreditCode: nil)
            error = nil
        } catch {
            self.error = error.localizedDescription
        }
    }

    func reset() {
        visit = nil
        error = nil
    }
}

struct ScanView: View {
    @StateObject var model: ScanModel

    var body: some View {
        Group {
            if let visit = model.visit {
                List {
                    Section("企业") {
                        Text(visit.enterprise.code.name)
                        Text(visit.enterprise.code.creditCode).font(.footnote.monospaced())
                    }
                    if !visit.warnings.isEmpty {
                        Section("提示") { ForEach(visit.warnings, id: \.self) { Text($0) } }
                    }
                    Section("向企业出示") {
                        MyCodeView(
                            model: MyCodeModel(
                                codes: model.codes, audience: visit.enterprise.code.creditCode)
                        )
                            .frame(height: 320)
                    }
                    Button("扫描下一家") { model.reset() }
                }
            } else {
                QRScanner { text in Task { await model.scanned(text) } }
                    .overlay(alignment: .bottom) {
                        if let error = model.error {
                            Text(error).padding().background(.thinMaterial).padding()
                        }
                    }
            }
        }
        .navigationTitle("扫企业码")
    }
}

/// The camera, reporting each QR code it reads. Thin on purpose: decoding is AVFoundation's.
struct QRScanner: UIViewControllerRepresentable {
    let onCode: (String) -> Void

    func makeUIViewController(context: Context) -> ScannerController {
        ScannerController(onCode: onCode)
    }

    func updateUIViewController(_ controller: ScannerController, context: Context) {}

    final class ScannerController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
        private let session = AVCaptureSession()
        private let onCode: (String) -> Void

        init(onCode: @escaping (String) -> Void) {
            self.onCode = onCode
            super.init(nibName: nil, bundle: nil)
        }

        required init?(coder: NSCoder) { fatalError("not from a storyboard") }

        override func viewDidLoad() {
            super.viewDidLoad()
            guard let camera = AVCaptureDevice.default(for: .video),
                let input = try? AVCaptureDeviceInput(device: camera), session.canAddInput(input)
            else { return }
            session.addInput(input)
            let output = AVCaptureMetadataOutput()
            guard session.canAddOutput(output) else { return }
            session.addOutput(output)
            output.setMetadataObjectsDelegate(self, queue: .main)
            output.metadataObjectTypes = [.qr]
            let preview = AVCaptureVideoPreviewLayer(session: session)
            preview.videoGravity = .resizeAspectFill
            preview.frame = view.layer.bounds
            view.layer.addSublayer(preview)
        }

        override func viewWillAppear(_ animated: Bool) {
            super.viewWillAppear(animated)
            DispatchQueue.global(qos: .userInitiated).async { [session] in session.startRunning() }
        }

        override func viewWillDisappear(_ animated: Bool) {
            super.viewWillDisappear(animated)
            session.stopRunning()
        }

        func metadataOutput(
            _ output: AVCaptureMetadataOutput, didOutput objects: [AVMetadataObject],
            from connection: AVCaptureConnection
        ) {
            if let text = (objects.first as? AVMetadataMachineReadableCodeObject)?.stringValue {
                onCode(text)
            }
        }
    }
}
