package cn.zhifa.app.model

import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.testing.Fixtures
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CaseFormModelTest {
    @Test
    fun `asks the violation's questions, then suggests the band with its explanation`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val today = Fixtures.today()
        val case = phone.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", today, today)
        val model = CaseFormModel(phone.cases(), phone.discretion())
        model.load(case.id)
        var state = model.state.value
        assertEquals("GF-111-C", state.violation)
        assertTrue(state.fields.isNotEmpty(), "the violation's fact questions")
        assertTrue(state.fields.all { f -> f.label.any { it.code in 0x4E00..0x9FFF } }, "zh-CN labels: ${state.fields}")
        assertTrue(state.suggestion.questions.isNotEmpty(), "nothing is guessed before the facts")
        assertNull(state.suggestion.summary)

        for (flag in listOf("criminal_referral", "no_fault_proven", "minor_act", "removed_harm", "coerced", "confessed", "meritorious")) {
            model.setFlag(flag, false)
        }
        assertFalse(model.setNumber("age", "四十"), "not a number")
        assertEquals(Texts.NOT_A_NUMBER, model.state.value.message)
        assertTrue(model.setNumber("age", "40"))
        model.setChoice("capacity", "full")
        model.setChoice("correction", "pending")
        model.setNumber("priors_12m", "0")
        model.preview()
        state = model.state.value
        assertTrue(state.suggestion.questions.isEmpty(), "${state.suggestion.questions}")
        assertTrue(state.suggestion.summary!!.contains("罚款100元至200元"), state.suggestion.summary)
        assertEquals(100L..200L, state.suggestion.band)
        assertTrue(state.suggestion.explanation!!.isNotBlank())
        assertEquals("否", state.fields.first { it.key == "minor_act" }.value)
        // A preview stores nothing; saving does.
        assertTrue(phone.cases().suggest(case.id).outcome == null)
        model.save()
        assertEquals(100L, phone.cases().suggest(case.id).outcome?.fine?.min)

        model.chooseFine("500", null)
        assertEquals(Texts.fineOutsideBand("罚款100元至200元"), model.state.value.message)
        model.chooseFine("150", null)
        assertEquals(150L, model.state.value.chosenFine)
        assertEquals(150L, phone.cases().get(case.id).chosenFine)
    }
}
