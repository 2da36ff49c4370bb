// Sync through an HTTP client supplied from Kotlin (the JDK's java.net.http, and the library's
// HttpURLConnection client) as well as through the built-in reqwest; the platform client
// reads no more of a body than the core allows.
package cn.zhifa.android

import cn.zhifa.sdk.HttpClient
import cn.zhifa.sdk.HttpException
import cn.zhifa.sdk.HttpHeader
import cn.zhifa.sdk.HttpRequest
import cn.zhifa.sdk.HttpResponse
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.defaultSyncOptions
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.JavaNetHttpClient
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import cn.zhifa.testing.thrown
import com.sun.net.httpserver.HttpServer
import java.net.InetSocketAddress
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpClientTest {
    private val server = TestServer()

    @AfterAll
    fun stop() = server.close()

    /** Counts the requests a client carried for the core. */
    private class Counting(private val inner: HttpClient) : HttpClient {
        val sent = AtomicInteger()
        override suspend fun send(request: HttpRequest): HttpResponse {
            sent.incrementAndGet()
            return inner.send(request)
        }
    }

    /** Enrols and shares a case from A to B, both phones' network going through `client`. */
    private suspend fun shareThrough(client: HttpClient?) {
        val a = server.newStore()
        val b = server.newStore()
        a.useHttpClient(client)
        b.useHttpClient(client)
        a.sync().enrol(server.url, server.enrolmentCode(Officers.A), "A")
        b.sync().enrol(server.url, server.enrolmentCode(Officers.B), "B")
        val today = Fixtures.today()
        val case = a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
        a.cases().edit(case.id, listOf(CaseEdit.AppendFindings("后厨地面积水。")))
        val report = a.sync().syncNow(server.url, defaultSyncOptions(), null)
        assertTrue(report.credentialRenewed && report.docsSynced.toLong() >= 1, "A synced: $report")
        b.sync().syncNow(server.url, defaultSyncOptions(), null)
        assertTrue(b.cases().get(case.id).onsite.findings.contains("后厨地面积水"), "the case reached B")
    }

    @Test
    fun `sync through java-net-http as the foreign client`() = runBlocking {
        val client = JavaNetHttpClient()
        shareThrough(client)
        assertTrue(client.sent.get() >= 4, "every request went through the JDK client: ${client.sent}")
    }

    @Test
    fun `sync through the library's HttpURLConnection client`() = runBlocking {
        val client = Counting(UrlConnectionHttpClient())
        shareThrough(client)
        assertTrue(client.sent.get() >= 4, "every request went through HttpURLConnection: ${client.sent}")
    }

    @Test
    fun `sync through the built-in reqwest client, also after a platform client is removed`() = runBlocking {
        shareThrough(null)
        val client = Counting(UrlConnectionHttpClient())
        val phone = server.newStore()
        phone.useHttpClient(client)
        phone.useHttpClient(null)
        phone.sync().enrol(server.url, server.enrolmentCode(Officers.A), "reqwest again")
        phone.sync().syncNow(server.url, defaultSyncOptions(), null)
        assertEquals(0, client.sent.get(), "null goes back to reqwest")
    }

    @Test
    fun `a failing platform client is a Network error, and nothing is lost`() = runBlocking {
        val phone = server.phone(Officers.A)
        val today = Fixtures.today()
        val case = phone.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
        phone.useHttpClient(object : HttpClient {
            override suspend fun send(request: HttpRequest): HttpResponse = throw HttpException.Failed("offline")
        })
        val options = Fixtures.quickOptions()
        val e = thrown<ZhifaException.Network> { phone.sync().syncNow(server.url, options, null) }
        assertTrue(e.message!!.any { it.code in 0x4E00..0x9FFF }, "zh-CN: ${e.message}")
        phone.useHttpClient(UrlConnectionHttpClient())
        phone.sync().syncNow(server.url, defaultSyncOptions(), null)
        val b = server.phone(Officers.B)
        b.sync().syncNow(server.url, defaultSyncOptions(), null)
        assertEquals(case.id, b.cases().get(case.id).id)
    }

    @Test
    fun `the HttpURLConnection client reads at most the limit and one byte`() = runBlocking {
        val big = ByteArray(1_000_000) { (it % 251).toByte() }
        val http = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        http.createContext("/big") { exchange ->
            exchange.sendResponseHeaders(200, big.size.toLong())
            runCatching { exchange.responseBody.use { it.write(big) } } // the client hangs up early
        }
        http.createContext("/echo") { exchange ->
            val body = exchange.requestBody.readBytes()
            val header = exchange.requestHeaders.getFirst("X-Zhifa") ?: ""
            val answer = header.toByteArray() + body
            exchange.sendResponseHeaders(201, answer.size.toLong())
            exchange.responseBody.use { it.write(answer) }
        }
        http.start()
        try {
            val base = "http://127.0.0.1:${http.address.port}"
            val client = UrlConnectionHttpClient()
            val capped = client.send(HttpRequest("GET", "$base/big", emptyList(), ByteArray(0), 10_000, 4096))
            assertEquals(200, capped.status)
            assertEquals(4097, capped.body.size, "the limit and one byte, no more")
            val echoed = client.send(HttpRequest("POST", "$base/echo", listOf(HttpHeader("X-Zhifa", "h:")), "体".toByteArray(), 10_000, 1024))
            assertEquals(201, echoed.status)
            assertArrayEquals("h:体".toByteArray(), echoed.body)
            val refused = thrown<HttpException.Failed> {
                client.send(HttpRequest("GET", "http://127.0.0.1:${java.net.ServerSocket(0).use { it.localPort }}/", emptyList(), ByteArray(0), 2_000, 10))
            }
            assertTrue(refused.reason.isNotEmpty())
        } finally {
            http.stop(0)
        }
    }
}
