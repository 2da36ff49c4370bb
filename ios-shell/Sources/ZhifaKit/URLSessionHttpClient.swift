// The platform's HTTP stack for the core's requests, for an agency that needs the system
// trust store, its MDM proxies or its own CAs (configure them on the URLSession). Install it
// with `store.useHttpClient(client: URLSessionHttpClient())`; `nil` goes back to the core's
// own client (reqwest with rustls).
import Foundation

public final class URLSessionHttpClient: HttpClient {
    private let session: URLSession

    public init(session: URLSession = .shared) { self.session = session }

    /// Sends one request. A body is read only up to `maxResponseBytes + 1`: the core refuses a
    /// longer one, and the phone should not download it. Transport failures (offline, TLS,
    /// timeout) are `HttpError.Failed`, which the core turns into a resumable network error;
    /// an HTTP error status is a response like any other.
    public func send(request: HttpRequest) async throws -> HttpResponse {
        guard let url = URL(string: request.url) else {
            throw HttpError.Failed(reason: "not a URL: \(request.url)")
        }
        var urlRequest = URLRequest(url: url)
        urlRequest.httpMethod = request.method
        urlRequest.timeoutInterval = TimeInterval(request.timeoutMillis) / 1000
        for header in request.headers {
            urlRequest.addValue(header.value, forHTTPHeaderField: header.name)
        }
        if !request.body.isEmpty { urlRequest.httpBody = request.body }

        do {
            let (bytes, response) = try await session.bytes(for: urlRequest)
            guard let http = response as? HTTPURLResponse else {
                throw HttpError.Failed(reason: "not an HTTP response")
            }
            let cap = Int(clamping: request.maxResponseBytes) &+ 1
            var body = Data()
            body.reserveCapacity(min(max(Int(http.expectedContentLength), 0), cap, 1 << 20))
            for try await byte in bytes {
                body.append(byte)
                if body.count >= cap { break }
            }
            bytes.task.cancel()
            return HttpResponse(status: Int32(http.statusCode), body: body)
        } catch let error as HttpError {
            throw error
        } catch {
            // Cancellation (the core dropped the request) lands here too; the core no longer waits.
            throw HttpError.Failed(reason: String(describing: error))
        }
    }
}
