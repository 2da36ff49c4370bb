package cn.zhifa.app.model

import cn.zhifa.sdk.core.CheckResult
import cn.zhifa.sdk.core.InspectionEdit
import cn.zhifa.sdk.core.InspectionStatus
import cn.zhifa.sdk.core.Task
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.Officers
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class InspectionListModelTest {
    private fun task(n: Int) = Task(
        "YZ-2026-01-0000$n", "YZ-2026-01", "91500103MA5U1A0E5B", "重庆渝中大坪山城烧烤店", "500103",
        listOf(Officers.A, Officers.B), listOf("YZ-SC-002", "YZ-SC-006"),
    )

    @Test
    fun `lists the inspections newest first with their status, then opens one's checklist`() = runBlocking {
        val phone = Fixtures.offlinePhone(Officers.A)
        val model = InspectionListModel(phone.inspections())
        model.load()
        assertTrue(model.state.value.loaded)
        assertEquals(emptyList<InspectionRow>(), model.state.value.rows)
        assertEquals(Texts.NO_INSPECTIONS, model.state.value.message)

        phone.inspections().receiveTask(task(1))
        phone.inspections().receiveTask(task(2))
        delay(20) // changes apart in trusted time, so the order is by time and not by id
        phone.inspections().edit("YZ-2026-01-00001", listOf(InspectionEdit.Record("YZ-SC-002", CheckResult.NON_COMPLIANT, "餐具未消毒。")))
        model.load()
        var rows = model.state.value.rows
        assertNull(model.state.value.message)
        assertEquals(listOf("YZ-2026-01-00001", "YZ-2026-01-00002"), rows.map { it.id }, "the one just recorded first")
        val first = rows[0]
        assertEquals("重庆渝中大坪山城烧烤店", first.enterpriseName)
        assertEquals(InspectionStatus.IN_PROGRESS, first.status)
        assertEquals("检查中", first.statusText)
        assertEquals("已检查 1/2 项", first.progress)
        assertEquals("不符合 1 项", first.findings)
        assertNull(first.conflict)
        assertTrue(first.updated!!.matches(Regex("更新于 \\d{4}年\\d{1,2}月\\d{1,2}日 \\d{2}:\\d{2}")), first.updated)
        assertEquals("未开始", rows[1].statusText)
        assertEquals("已检查 0/2 项", rows[1].progress)
        assertNull(rows[1].findings)

        delay(20)
        phone.inspections().edit("YZ-2026-01-00002", listOf(
            InspectionEdit.Record("YZ-SC-002", CheckResult.COMPLIANT, ""),
            InspectionEdit.Record("YZ-SC-006", CheckResult.NOT_APPLICABLE, ""),
        ))
        model.load()
        rows = model.state.value.rows
        assertEquals(listOf("YZ-2026-01-00002", "YZ-2026-01-00001"), rows.map { it.id })
        assertEquals("已完成", rows[0].statusText)

        // A row opens its checklist.
        val checklist = ChecklistModel(phone.inspections(), phone.catalogue())
        checklist.load(rows[1].id)
        assertEquals("重庆渝中大坪山城烧烤店", checklist.state.value.enterpriseName)
        assertEquals("已检查 1/2 项", checklist.state.value.progress)
    }
}
