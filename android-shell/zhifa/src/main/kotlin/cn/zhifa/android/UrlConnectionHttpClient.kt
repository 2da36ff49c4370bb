// The platform's HTTP stack as the SDK's network: `HttpURLConnection` exists on Android and on
// the JVM, and on Android it uses the system trust store, the agency's user-installed CAs
// (per the app's network security config) and the system proxy. Install it with
// `store.useHttpClient(UrlConnectionHttpClient())`; `null` goes back to the built-in reqwest.
package cn.zhifa.android

import cn.zhifa.sdk.HttpClient
import cn.zhifa.sdk.HttpException
import cn.zhifa.sdk.HttpRequest
import cn.zhifa.sdk.HttpResponse
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.InputStream
import java.net.HttpURLConnection
import java.net.URL
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope

/**
 * [configure] is called on every connection before it opens (a custom SSLSocketFactory for
 * pinning, a proxy-free route, ...).
 */
class UrlConnectionHttpClient(
    private val configure: (HttpURLConnection) -> Unit = {},
) : HttpClient {

    override suspend fun send(request: HttpRequest): HttpResponse = coroutineScope {
        val connection = try {
            URL(request.url).openConnection() as? HttpURLConnection
        } catch (e: IOException) {
            null
        } ?: throw HttpException.Failed("not an http(s) url")
        val call = async(Dispatchers.IO) { exchange(connection, request) }
        try {
            call.await()
        } catch (e: CancellationException) {
            // A blocked connect or read ignores interrupts; closing the socket ends it at once.
            connection.disconnect()
            throw e
        } finally {
            connection.disconnect()
        }
    }

    private fun exchange(connection: HttpURLConnection, request: HttpRequest): HttpResponse = try {
        connection.requestMethod = request.method
        val timeout = request.timeoutMillis.coerceIn(1, Int.MAX_VALUE.toLong()).toInt()
        connection.connectTimeout = timeout
        connection.readTimeout = timeout
        connection.instanceFollowRedirects = false
        connection.useCaches = false
        for (header in request.headers) connection.addRequestProperty(header.name, header.value)
        configure(connection)
        if (request.body.isNotEmpty() || request.method == "POST" || request.method == "PUT") {
            connection.doOutput = true
            connection.setFixedLengthStreamingMode(request.body.size)
            connection.outputStream.use { it.write(request.body) }
        }
        val status = connection.responseCode
        val stream = if (status >= 400) connection.errorStream else connection.inputStream
        HttpResponse(status, stream?.use { readAtMost(it, request.maxResponseBytes) } ?: ByteArray(0))
    } catch (e: IOException) {
        throw HttpException.Failed(e.toString())
    }
}

/**
 * At most `limit + 1` bytes of a body: one byte more than allowed tells the core the body was
 * too large, without ever holding more than that.
 */
internal fun readAtMost(input: InputStream, limit: Long): ByteArray {
    val cap = if (limit >= Int.MAX_VALUE - 1) Int.MAX_VALUE - 1 else (limit + 1).toInt()
    val out = ByteArrayOutputStream(minOf(cap, 64 * 1024))
    val buffer = ByteArray(16 * 1024)
    while (out.size() < cap) {
        val n = input.read(buffer, 0, minOf(buffer.size, cap - out.size()))
        if (n < 0) break
        out.write(buffer, 0, n)
    }
    return out.toByteArray()
}
