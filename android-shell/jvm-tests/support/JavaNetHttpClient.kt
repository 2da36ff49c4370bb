// The JDK's java.net.http.HttpClient as the SDK's foreign HTTP client: the "platform client"
// of the JVM tests (Android has no java.net.http; there the library's HttpURLConnection client
// or an OkHttp one plays this part).
package cn.zhifa.testing

import cn.zhifa.sdk.HttpClient
import cn.zhifa.sdk.HttpException
import cn.zhifa.sdk.HttpRequest
import cn.zhifa.sdk.HttpResponse
import java.io.IOException
import java.net.URI
import java.net.http.HttpRequest.BodyPublishers
import java.net.http.HttpResponse.BodyHandlers
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withContext

class JavaNetHttpClient : HttpClient {
    private val client = java.net.http.HttpClient.newBuilder()
        .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10))
        .build()

    /** Requests this client carried, so a test can tell the core really used it. */
    val sent = AtomicInteger()

    override suspend fun send(request: HttpRequest): HttpResponse {
        val builder = try {
            java.net.http.HttpRequest.newBuilder(URI(request.url))
        } catch (e: IllegalArgumentException) {
            throw HttpException.Failed("bad url")
        }
        builder.timeout(Duration.ofMillis(request.timeoutMillis))
        for (h in request.headers) {
            if (h.name.lowercase() !in RESTRICTED) builder.header(h.name, h.value)
        }
        val body = if (request.body.isEmpty()) BodyPublishers.noBody() else BodyPublishers.ofByteArray(request.body)
        builder.method(request.method, body)
        sent.incrementAndGet()
        return try {
            val response = client.sendAsync(builder.build(), BodyHandlers.ofInputStream()).await()
            // Never more than the limit and one byte, however long the body is.
            val limit = (request.maxResponseBytes + 1).coerceAtMost(Int.MAX_VALUE.toLong() - 8).toInt()
            val bytes = withContext(Dispatchers.IO) { response.body().use { it.readNBytes(limit) } }
            HttpResponse(response.statusCode(), bytes)
        } catch (e: IOException) {
            throw HttpException.Failed(e.toString())
        } catch (e: java.util.concurrent.CompletionException) {
            throw HttpException.Failed(e.cause?.toString() ?: e.toString())
        }
    }

    private companion object {
        // Headers java.net.http sets itself and refuses from callers.
        val RESTRICTED = setOf("connection", "content-length", "expect", "host", "upgrade")
    }
}
