package cn.zhifa.app.model

import cn.zhifa.testing.Fixtures
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class ScanModelTest {
    @Test
    fun `a scanned enterprise code opens the visit and shows the bound code`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val model = ScanModel(phone.codes(), officersPresent = emptyList(), plannedCreditCode = "91500103MA5U1A0E5B")
        model.onScanned(Fixtures.enterpriseCode)
        val state = model.state.value
        assertFalse(state.scanning)
        assertNotNull(state.visitId)
        assertEquals("重庆渝中大坪山城烧烤店", state.enterpriseName)
        assertEquals("91500103MA5U1A0E5B", state.creditCode)
        assertEquals("已开始检查：重庆渝中大坪山城烧烤店", state.message)
        assertTrue(state.enforcementCode!!.startsWith("EC1:"))
        assertEquals(1L, phone.sync().pendingEventCount(), "the visit is a signed event for the server")
        // Further frames of the same code are ignored once the visit is open.
        model.onScanned(Fixtures.enterpriseCode)
        assertEquals(1L, phone.sync().pendingEventCount())
    }

    @Test
    fun `a refused code says why and keeps scanning`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val model = ScanModel(phone.codes(), officersPresent = emptyList(), plannedCreditCode = "91500103MA5U1A0B2Y")
        model.onScanned(Fixtures.enterpriseCode) // another enterprise than planned
        val state = model.state.value
        assertTrue(state.scanning && !state.busy)
        assertTrue(state.message != Texts.SCAN_PROMPT && state.message.any { it.code in 0x4E00..0x9FFF }, state.message)
        model.onScanned("EQ1:not-a-code")
        assertTrue(model.state.value.scanning)
        model.scanAgain()
        assertEquals(Texts.SCAN_PROMPT, model.state.value.message)
    }
}
