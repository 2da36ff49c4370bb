package cn.zhifa.app.model

import cn.zhifa.sdk.core.CheckResult
import cn.zhifa.sdk.core.Task
import cn.zhifa.testing.Fixtures
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class ChecklistModelTest {
    @Test
    fun `records results, asks for a note on a finding, opens a case from it`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320001")
        val task = Task(
            "YZ-2026-01-00001", "YZ-2026-01", "91500103MA5U1A0E5B", "重庆渝中大坪山城烧烤店", "500103",
            listOf("渝50010320001", "渝50010320002"), listOf("YZ-SC-002", "YZ-SC-006"),
        )
        phone.inspections().receiveTask(task)
        val model = ChecklistModel(phone.inspections(), phone.catalogue())
        model.load(task.id)
        var state = model.state.value
        assertEquals("重庆渝中大坪山城烧烤店", state.enterpriseName)
        assertEquals("已检查 0/2 项", state.progress)
        assertTrue(state.rows.all { it.resultText == Texts.RESULT_UNCHECKED })
        val named = state.rows.first { it.item == "YZ-SC-002" }
        assertTrue(named.title != named.item && named.title.isNotBlank(), "the catalogue's name: ${named.title}")

        model.record("YZ-SC-002", CheckResult.NON_COMPLIANT, "  ")
        assertEquals(Texts.NOTE_REQUIRED, model.state.value.message)
        model.record("YZ-SC-006", CheckResult.COMPLIANT)
        model.record("YZ-SC-002", CheckResult.NON_COMPLIANT, "餐具未消毒。")
        state = model.state.value
        assertEquals("已检查 2/2 项", state.progress)
        val finding = state.rows.first { it.item == "YZ-SC-002" }
        assertEquals(Texts.RESULT_NON_COMPLIANT, finding.resultText)
        assertTrue(finding.canOpenCase)
        assertFalse(state.rows.first { it.item == "YZ-SC-006" }.canOpenCase)

        val caseId = model.openCase("YZ-SC-002")
        assertNotNull(caseId)
        assertEquals("SP-126-5", phone.cases().get(caseId!!).violation)
        val linked = model.state.value.rows.first { it.item == "YZ-SC-002" }
        assertEquals(caseId, linked.caseId)
        assertFalse(linked.canOpenCase, "one case a finding")
    }

    @Test
    fun `a missing inspection is reported, not thrown`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320001")
        val model = ChecklistModel(phone.inspections(), phone.catalogue())
        model.load("no-such-inspection")
        assertTrue(model.state.value.message!!.any { it.code in 0x4E00..0x9FFF })
    }
}
