// Sync through the generated Kotlin bindings on the JVM against the real server binary:
// enrol with a one-time code, sync with a progress listener, share a case with a second phone.
package cn.zhifa.bindings

import cn.zhifa.sdk.SyncListener
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.core.SyncPhase
import cn.zhifa.sdk.core.SyncProgress
import cn.zhifa.sdk.defaultSyncOptions
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import cn.zhifa.testing.TestServer
import cn.zhifa.testing.thrown
import java.util.Collections
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class SyncTest {
    private class Phases : SyncListener {
        val seen: MutableList<SyncPhase> = Collections.synchronizedList(mutableListOf())
        override fun onProgress(progress: SyncProgress) {
            seen.add(progress.phase)
        }
    }

    @Test
    fun `two phones share a case through the server`() = runBlocking {
        TestServer().use { server ->
            val a = server.phone(Officers.A)
            val b = server.phone(Officers.B)
            val phases = Phases()
            val report = a.sync().syncNow(server.url, defaultSyncOptions(), phases)
            assertTrue(report.credentialRenewed, "a duty credential arrives")
            assertEquals(SyncPhase.DONE, phases.seen.last(), "progress ends with DONE, got ${phases.seen}")
            val today = Fixtures.today()
            val case = a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
            a.cases().edit(case.id, listOf(CaseEdit.AppendFindings("消毒柜未通电。")))
            a.sync().syncNow(server.url, defaultSyncOptions(), null)
            b.sync().syncNow(server.url, defaultSyncOptions(), null)
            assertTrue(b.cases().get(case.id).onsite.findings.contains("消毒柜"), "the case reached the second phone")
            val e = thrown<ZhifaException.NotAuthorised> {
                server.newStore().sync().syncNow(server.url, defaultSyncOptions(), null)
            }
            assertTrue(e.message!!.contains("登记"), "the refusal says to enrol: ${e.message}")
        }
    }
}
