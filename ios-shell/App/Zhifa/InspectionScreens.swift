// Inspections: the tasks on the phone, and one task's combined checklist. A non-compliant
// item opens a case carrying the enterprise, officers and note (the core's rule).
import SwiftUI
import ZhifaKit

@MainActor
final class InspectionListModel: ObservableObject {
    @Published private(set) var inspections: [InspectionSummary] = []
    @Published private(set) var error: String?
    let store: ZhifaStore

    init(store: ZhifaStore) { self.store = store }

    func load() async {
        do { inspections = try await store.inspections().list() } catch {
            self.error = error.localizedDescription
        }
    }
}

struct InspectionListView: View {
    @StateObject var model: InspectionListModel

    var body: some View {
        List(model.inspections, id: \.id) { inspection in
            NavigationLink {
                ChecklistView(model: ChecklistModel(store: model.store, id: inspection.id))
            } label: {
                VStack(alignment: .leading) {
                    Text(inspection.enterpriseName)
                    Text("\(inspection.statusZh) · 已查 \(inspection.itemsRecorded)/\(inspection.itemsTotal)")
                        .font(.footnote).foregroundStyle(.secondary)
                }
            }
        }
        .overlay { if let error = model.error { Text(error) } }
        .navigationTitle("检查任务")
        .task { await model.load() }
        .refreshable { await model.load() }
    }
}

@MainActor
final class ChecklistModel: ObservableObject {
    @Published private(set) var inspection: Inspection?
    @Published private(set) var openedCase: CaseFile?
    @Published var error: String?
    let store: ZhifaStore
    private let id: String

    init(store: ZhifaStore, id: String) {
        self.store = store
        self.id = id
    }

    func load() async {
        await run { self.inspection = try await self.store.inspections().get(id: self.id) }
    }

    func record(_ item: String, _ result: CheckResult, note: String) async {
        await run {
            self.inspection = try await self.store.inspections().edit(
                id: self.id, edits: [.record(item: item, result: result, note: note)])
        }
    }

    func openCase(_ item: String) async {
        await run {
            self.openedCase = try await self.store.inspections().openCase(inspectionId: self.id, item: item)
            self.inspection = try await self.store.inspections().get(id: self.id)
        }
    }

    private func run(_ body: () async throws -> Void) async {
        do {
            try await body()
            error = nil
        } catch {
            self.error = error.localizedDescription
        }
    }
}

struct ChecklistView: View {
    @StateObject var model: ChecklistModel

    var body: some View {
        List {
            if let inspection = model.inspection {
                ForEach(inspection.checklist, id: \.item) { entry in
                    ChecklistRow(entry: entry, model: model)
                }
                if !inspection.conflicts.isEmpty {
                    Text("两台设备记录的结果不同，请核对。").foregroundStyle(.orange)
                }
            }
            if let file = model.openedCase {
                NavigationLink("打开刚立的案件") {
                    CaseFormView(model: CaseFormModel(store: model.store, caseFile: file))
                }
            }
            if let error = model.error { Text(error).foregroundStyle(.red) }
        }
        .navigationTitle(model.inspection?.enterpriseName ?? "检查")
        .task { await model.load() }
    }
}

private struct ChecklistRow: View {
    let entry: ChecklistEntry
    @ObservedObject var model: ChecklistModel
    @State private var note = ""

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(entry.item).font(.headline)
            Picker("结果", selection: resultBinding) {
                Text("未检查").tag(CheckResult?.none)
                Text("符合").tag(CheckResult?.some(.compliant))
                Text("不符合").tag(CheckResult?.some(.nonCompliant))
                Text("不适用").tag(CheckResult?.some(.notApplicable))
            }
            .pickerStyle(.segmented)
            TextField("说明", text: $note).onAppear { note = entry.note }
            if entry.result == .nonCompliant, entry.caseId == nil {
                Button("立案") { Task { await model.openCase(entry.item) } }
            }
        }
    }

    private var resultBinding: Binding<CheckResult?> {
        Binding(
            get: { entry.result },
            set: { result in
                guard let result else { return }
                Task { await model.record(entry.item, result, note: note) }
            })
    }
}
