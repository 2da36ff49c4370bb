package cn.zhifa.app.model

import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.core.DocumentKind
import cn.zhifa.sdk.core.Party
import cn.zhifa.sdk.core.PartyKind
import cn.zhifa.testing.Fixtures
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class DocumentsModelTest {
    @Test
    fun `lists the procedure's documents, renders one, and says why another cannot be made yet`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val today = Fixtures.today()
        val case = phone.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
        phone.cases().edit(case.id, listOf(
            CaseEdit.AddParty(Party(PartyKind.PERSON, "张某", null, "500103199001011234", "重庆市渝中区", null)),
            CaseEdit.AppendFindings("消毒柜未通电。"),
        ))
        val model = DocumentsModel(phone.cases())
        model.load(case.id)
        val rows = model.state.value.rows
        assertTrue(rows.size > 3, "an ordinary case's documents: $rows")
        assertTrue(rows.all { r -> r.title.any { it.code in 0x4E00..0x9FFF } })

        // Every document: rendered for printing, or refused with the reason in zh-CN.
        var printed = 0
        for (row in rows) {
            model.open(row.kind)
            val s = model.state.value
            if (s.open != null) {
                printed++
                assertEquals(row.kind, s.open!!.kind)
                assertEquals(row.title, s.open!!.jobName, "no number yet: the title alone")
                assertTrue(s.open!!.html.contains("<html") && s.open!!.html.contains(row.title.take(2)))
                model.close()
                assertNull(model.state.value.open)
            } else {
                assertTrue(s.message!!.any { it.code in 0x4E00..0x9FFF }, "refusal for ${row.kind}: ${s.message}")
            }
        }
        assertTrue(printed >= 1, "at least the first document renders")
        model.open(DocumentKind.PENALTY_DECISION)
        assertNull(model.state.value.open, "an undecided case has no decision")
    }
}
