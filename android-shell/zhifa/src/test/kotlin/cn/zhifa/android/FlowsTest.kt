// The listener Flows: cases changed by a sync, and the rotating enforcement code.
package cn.zhifa.android

import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.defaultSyncOptions
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowsTest {
    private val server = TestServer()

    @AfterAll
    fun stop() = server.close()

    @Test
    fun `caseChanges tells of a case a sync brought in`() = runBlocking {
        val a = server.phone(Officers.A)
        val b = server.phone(Officers.B)
        val today = Fixtures.today()
        val case = a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
        a.cases().edit(case.id, listOf(CaseEdit.AppendFindings("冷藏柜温度超标。")))
        a.sync().syncNow(server.url, defaultSyncOptions(), null)
        val changed = async(start = CoroutineStart.UNDISPATCHED) {
            withTimeout(60_000) { b.cases().caseChanges().first { it == case.id } }
        }
        b.sync().syncNow(server.url, defaultSyncOptions(), null)
        assertEquals(case.id, changed.await())
    }

    @Test
    fun `enforcementCodes gives the code at once, and ends with the reason when there is none`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val first = withTimeout(30_000) { phone.codes().enforcementCodes().first() }
        assertTrue(first is CodeUpdate.Shown && first.code.payload.startsWith("EC1:"), "a code at once: $first")
        val bound = withTimeout(30_000) { phone.codes().enforcementCodes("91500103MA5U1A0E5B").first() } as CodeUpdate.Shown
        assertTrue(bound.code.payload != (first as CodeUpdate.Shown).code.payload, "bound to the enterprise")

        // No credential: one Unavailable with the officer's text, then the flow ends.
        val bare = server.newStore()
        val updates = withTimeout(30_000) { bare.codes().enforcementCodes().take(5).toList() }
        assertEquals(1, updates.size, "the flow ends after the error: $updates")
        val reason = (updates.single() as CodeUpdate.Unavailable).message
        assertTrue(reason.any { it.code in 0x4E00..0x9FFF }, "zh-CN: $reason")
    }
}
