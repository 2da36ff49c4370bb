package cn.zhifa.app.model

import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class MyCodeModelTest {
    @Test
    fun `shows the code, its QR, the held credential, and when it refreshes`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        // A shift's credential, for two named items (it replaces the one offlinePhone installed).
        Fixtures.issueCredential(phone, "渝50010320021", listOf("YZ-CG-001", "YZ-CG-002"))
        val installed = phone.codes().credential()!!
        assertEquals(listOf("YZ-CG-001", "YZ-CG-002"), installed.items)
        var now = Instant.now()
        val model = MyCodeModel(phone.codes(), phone.catalogue(), now = { now })
        val job = model.start(this)
        val state = withTimeout(30_000) { model.state.first { it.payload != null } }
        job.cancel()
        assertTrue(state.payload!!.startsWith("EC1:"))
        assertTrue(state.qrSvg!!.contains("<svg"))
        assertTrue(state.fullBrightness)
        assertNull(state.message)
        // The expiry in Beijing time, written here without Texts so that a wrong zone shows.
        val until = DateTimeFormatter.ofPattern("yyyy年M月d日 HH:mm").format(installed.expiresAt.atZone(ZoneId.of("Asia/Shanghai")))
        assertEquals("周强　执法证号 渝50010320021　有效至 $until", state.credentialLine)
        // The items by the catalogue's names, not their codes.
        val names = installed.items.map { phone.catalogue().enforcementItem(it)!!.name }
        assertNotEquals(installed.items, names)
        assertEquals("执法事项：" + names.joinToString("、"), state.itemsLine)
        // 30-second steps from the epoch: 1 s into a step, 29 s are left.
        now = Instant.ofEpochSecond(state.step!! * 30 + 1)
        assertEquals("29秒后刷新", model.refreshText())
    }

    @Test
    fun `without a credential asks for a sync, and after the sync shows the code`() = runBlocking {
        TestServer().use { server ->
            val phone = server.phone(Officers.A) // enrolled, nothing synced yet
            val model = MyCodeModel(phone.codes(), phone.catalogue())
            model.start(this).join() // nothing to follow: it ends at once
            var state = model.state.value
            assertEquals(Texts.NO_CREDENTIAL, state.message)
            assertNull(state.payload)
            assertNull(state.credentialLine)
            assertNull(state.itemsLine)

            phone.sync().syncNow(server.url, Fixtures.quickOptions(), null) // brings the duty credential
            val job = model.start(this)
            state = withTimeout(30_000) { model.state.first { it.payload != null } }
            job.cancel()
            assertNull(state.message)
            assertTrue(state.credentialLine!!.contains("执法证号 ${Officers.A}　有效至 "), state.credentialLine)
            // Issued for every item the officer is authorised for: said so, with how many.
            assertEquals(emptyList<String>(), phone.codes().credential()!!.items)
            val authorised = phone.catalogue().officer(Officers.A)!!.items.size
            assertEquals("执法事项：全部授权事项（${authorised}项）", state.itemsLine)
        }
    }
}
