package cn.zhifa.app.model

import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.TestServer
import java.time.Instant
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class MyCodeModelTest {
    @Test
    fun `shows the code, its QR, whose it is, and when it refreshes`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val credential = Fixtures.issueCredential(phone, "渝50010320021")
        var now = Instant.now()
        val model = MyCodeModel(phone.codes(), credential, now = { now })
        val job = model.start(this)
        val state = withTimeout(30_000) { model.state.first { it.payload != null } }
        job.cancel()
        assertTrue(state.payload!!.startsWith("EC1:"))
        assertTrue(state.qrSvg!!.contains("<svg"))
        assertTrue(state.fullBrightness)
        assertNull(state.message)
        assertTrue(state.credentialLine!!.startsWith("周强　执法证号 渝50010320021　有效至 "), state.credentialLine)
        // 30-second steps from the epoch: 1 s into a step, 29 s are left.
        now = Instant.ofEpochSecond(state.step!! * 30 + 1)
        assertEquals("29秒后刷新", model.refreshText())
    }

    @Test
    fun `without a credential says why instead of a code`() = runBlocking {
        TestServer().use { server ->
            val model = MyCodeModel(server.newStore().codes())
            model.start(this).join() // the flow ends with the reason
            val state = model.state.value
            assertNull(state.payload)
            assertNull(state.credentialLine)
            assertTrue(state.message!!.any { it.code in 0x4E00..0x9FFF } && state.message != Texts.CODE_WAITING, state.message)
        }
    }
}
