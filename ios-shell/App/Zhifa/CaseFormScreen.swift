// The case form: the violation's fact questions (their kinds and allowed values come from the
// catalogue), the lawful outcome for the answers so far with the engine's explanation, and
// the officer's choice of fine. The core decides what is lawful; this only asks and shows.
import SwiftUI
import ZhifaKit

@MainActor
final class CaseFormModel: ObservableObject {
    @Published private(set) var caseFile: CaseFile
    @Published private(set) var questions: [FactQuestion] = []
    @Published private(set) var answers: [String: Fact] = [:]
    @Published private(set) var suggestion: PenaltySuggestion?
    @Published var fine = ""
    @Published var reason = ""
    @Published private(set) var error: String?
    let store: ZhifaStore

    init(store: ZhifaStore, caseFile: CaseFile) {
        self.store = store
        self.caseFile = caseFile
        for fact in caseFile.facts { answers[fact.name] = fact }
    }

    func load() async {
        do {
            let violations = try await store.discretion().violations()
            questions = violations.first { $0.id == caseFile.violation }?.questions ?? []
            await refresh()
        } catch {
            self.error = error.localizedDescription
        }
    }

    func answer(_ fact: Fact) async {
        answers[fact.name] = fact
        await refresh()
    }

    /// The outcome with the answers so far, stored nowhere until the officer saves.
    func refresh() async {
        do {
            suggestion = try await store.cases().preview(id: caseFile.id, facts: Array(answers.values))
            if let range = suggestion?.outcome?.fine, fine.isEmpty { fine = String(range.min) }
            error = nil
        } catch {
            self.error = error.localizedDescription
        }
    }

    func save() async {
        do {
            caseFile = try await store.cases().edit(
                id: caseFile.id, edits: answers.values.map { .setFact($0) })
            let amount = Int64(fine)
            caseFile = try await store.cases().choosePenalty(
                id: caseFile.id, fine: amount, reason: reason.isEmpty ? nil : reason)
            error = nil
        } catch {
            self.error = error.localizedDescription  // e.g. outside the band without a reason
        }
    }
}

extension Fact {
    var name: String {
        switch self {
        case .flag(let name, _), .number(let name, _), .choice(let name, _): return name
        }
    }
}

struct CaseFormView: View {
    @StateObject var model: CaseFormModel

    var body: some View {
        Form {
            Section("案件") {
                Text(model.caseFile.number ?? "未编号")
                Text(model.caseFile.violation)
            }
            Section("事实") {
                ForEach(model.questions, id: \.key) { question in
                    FactField(question: question, answer: model.answers[question.key]) { fact in
                        Task { await model.answer(fact) }
                    }
                }
            }
            Section("裁量建议") { SuggestionView(suggestion: model.suggestion) }
            Section("处罚决定") {
                TextField("罚款金额（元）", text: $model.fine).keyboardType(.numberPad)
                TextField("超出建议幅度的理由", text: $model.reason, axis: .vertical)
                Button("保存") { Task { await model.save() } }
            }
            if let error = model.error { Section { Text(error).foregroundStyle(.red) } }
            NavigationLink("执法文书") {
                DocumentsView(model: DocumentsModel(store: model.store, caseFile: model.caseFile))
            }
        }
        .navigationTitle("案件")
        .task { await model.load() }
    }
}

private struct SuggestionView: View {
    let suggestion: PenaltySuggestion?

    var body: some View {
        if let outcome = suggestion?.outcome {
            if let fine = outcome.fine {
                Text("建议罚款 \(fine.min)–\(fine.max) 元").font(.headline)
            }
            Text(outcome.explanation).font(.callout)
        } else if let questions = suggestion?.questions, !questions.isEmpty {
            ForEach(questions, id: \.fact) { Text("还需确认：\($0.question)") }
        } else {
            ProgressView()
        }
    }
}

/// One fact question as its kind asks it: a switch, a number of its unit, or one of the
/// allowed values in their words.
private struct FactField: View {
    let question: FactQuestion
    let answer: Fact?
    let onAnswer: (Fact) -> Void
    @State private var number = ""

    var body: some View {
        switch question.kind {
        case .yesNo:
            Toggle(question.label, isOn: Binding(
                get: { if case .flag(_, let value) = answer { return value } else { return false } },
                set: { onAnswer(.flag(name: question.key, value: $0)) }))
        case .number(let unit, let min):
            LabeledContent(question.label) {
                TextField(unit, text: $number)
                    .keyboardType(.numberPad)
                    .onSubmit {
                        if let value = Int64(number), value >= min {
                            onAnswer(.number(name: question.key, value: value))
                        }
                    }
                    .onAppear { if case .number(_, let value) = answer { number = String(value) } }
            }
        case .oneOf(let values):
            Picker(question.label, selection: Binding(
                get: { if case .choice(_, let value) = answer { return value } else { return "" } },
                set: { onAnswer(.choice(name: question.key, value: $0)) })) {
                ForEach(values, id: \.value) { Text($0.label).tag($0.value) }
            }
        }
    }
}
