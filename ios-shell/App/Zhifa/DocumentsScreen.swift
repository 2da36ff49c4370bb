// The case's documents as the core renders them (print-ready A4 HTML), printed through
// UIPrintInteractionController. A document the case cannot support yet is refused by the
// core in words (which article, what is missing), shown as is.
import SwiftUI
import UIKit
import ZhifaKit

@MainActor
final class DocumentsModel: ObservableObject {
    @Published private(set) var error: String?
    let kinds: [DocumentInfo]
    private let store: ZhifaStore
    private let caseFile: CaseFile

    init(store: ZhifaStore, caseFile: CaseFile) {
        self.store = store
        self.caseFile = caseFile
        kinds = documentKinds(procedure: caseFile.kind)
    }

    func print(_ document: DocumentInfo) async {
        do {
            let html = try await store.cases().renderDocument(id: caseFile.id, kind: document.kind)
            error = nil
            let controller = UIPrintInteractionController.shared
            let info = UIPrintInfo(dictionary: nil)
            info.outputType = .general
            info.jobName = document.title
            controller.printInfo = info
            controller.printFormatter = UIMarkupTextPrintFormatter(markupText: html)
            controller.present(animated: true)
        } catch {
            self.error = error.localizedDescription
        }
    }
}

struct DocumentsView: View {
    @StateObject var model: DocumentsModel

    var body: some View {
        List {
            ForEach(model.kinds, id: \.title) { document in
                Button(document.title) { Task { await model.print(document) } }
            }
            if let error = model.error { Text(error).foregroundStyle(.red) }
        }
        .navigationTitle("执法文书")
    }
}
