// The bindings are generated with `omit_localized_error_conformance`, whose default would make
// `errorDescription` the Swift reflection of the case. Here it is the error's message, which
// IS the zh-CN text for the officer: what `Text(error.localizedDescription)` shows.
import Foundation

extension ZhifaError: LocalizedError {
    public var errorDescription: String? {
        switch self {
        case .Validation(let message), .BundleRejected(let message), .CodeInvalid(let message),
            .StepRefused(let message), .DocumentRefused(let message), .NotFound(let message),
            .Storage(let message), .Network(let message), .NotAuthorised(let message),
            .Cancelled(let message):
            return message
        }
    }
}
