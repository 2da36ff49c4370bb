// Typed exceptions whose message is the officer's zh-CN text, and nothing else.
package cn.zhifa.android

import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.ZhifaStore
import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.core.Step
import cn.zhifa.sdk.defaultSyncOptions
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import cn.zhifa.testing.thrown
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private val server = TestServer()

    @AfterAll
    fun stop() = server.close()

    private fun assertUserText(e: ZhifaException, expected: String) {
        val message = e.message ?: ""
        assertTrue(message.contains(expected), "zh-CN user text expected, got: $message")
        assertFalse(message.contains("userMessage") || message.contains("="), "only the text: $message")
        assertTrue(message.any { it.code in 0x4E00..0x9FFF }, "Chinese: $message")
    }

    @Test
    fun `an unenrolled phone is NotAuthorised and told to enrol`() = runBlocking {
        val e = thrown<ZhifaException.NotAuthorised> { server.newStore().sync().syncNow(server.url, defaultSyncOptions(), null) }
        assertUserText(e, "登记")
    }

    @Test
    fun `a used enrolment code is refused`() = runBlocking {
        val code = server.enrolmentCode(Officers.A)
        server.newStore().sync().enrol(server.url, code, "first")
        val e = thrown<ZhifaException.NotAuthorised> { server.newStore().sync().enrol(server.url, code, "second") }
        assertUserText(e, "")
    }

    @Test
    fun `an unreachable server is a Network error that says nothing was lost`() = runBlocking {
        val phone = server.phone(Officers.A)
        val closed = java.net.ServerSocket(0).use { it.localPort }
        val options = Fixtures.quickOptions()
        val e = thrown<ZhifaException.Network> { phone.sync().syncNow("http://127.0.0.1:$closed", options, null) }
        assertUserText(e, "")
    }

    @Test
    fun `a bad server address is a Validation error`() = runBlocking {
        val e = thrown<ZhifaException.Validation> { server.newStore().sync().enrol("ftp://nowhere", "x", "y") }
        assertUserText(e, "")
    }

    @Test
    fun `a tampered bundle is BundleRejected over its signature, and nothing applied`() = runBlocking {
        val store = ZhifaStore.open(Fixtures.config(Fixtures.tempDir("zhifa-jvm-bundle")))
        val tampered = Fixtures.bundle.copyOf()
        val needle = "渝中".toByteArray()
        val at = (0..tampered.size - needle.size).first { i -> needle.indices.all { tampered[i + it] == needle[it] } }
        "渝北".toByteArray().copyInto(tampered, at)
        val e = thrown<ZhifaException.BundleRejected> { store.catalogue().applyBundle(tampered) }
        assertUserText(e, "签名")
        assertTrue(store.catalogue().version() == 0L, "nothing applied")
    }

    @Test
    fun `a step the law refuses is StepRefused, citing the article`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val today = Fixtures.today()
        val case = phone.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", today, today)
        val e = thrown<ZhifaException.StepRefused> { phone.cases().step(case.id, Step.DecideOnSpot) }
        assertUserText(e, "第")
    }

    @Test
    fun `a missing case is NotFound`() = runBlocking {
        val phone = server.newStore()
        val e = thrown<ZhifaException.NotFound> { phone.cases().get("no-such-case") }
        assertUserText(e, "")
    }
}
