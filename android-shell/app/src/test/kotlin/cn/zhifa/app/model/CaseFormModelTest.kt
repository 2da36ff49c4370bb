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
    // The answers of the field demo's summary case (乱倒生活垃圾), as the officer gives them.
    private val flags = listOf("first_offence", "criminal_referral", "no_fault_proven", "minor_act", "removed_harm", "coerced", "confessed", "meritorious")

    @Test
    fun `asks the engine's questions, then suggests the band with its explanation`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val today = Fixtures.today()
        val case = phone.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", today, today)
        val model = CaseFormModel(phone.cases())
        model.load(case.id)
        var state = model.state.value
        assertEquals("GF-111-C", state.violation)
        assertTrue(state.fields.isNotEmpty() && state.fields.all { it.value == null }, "questions first: ${state.fields}")
        assertTrue(state.fields.all { f -> f.label.endsWith("？") }, "the engine's zh-CN questions: ${state.fields}")
        assertEquals(state.fields.map { it.label }, state.suggestion.questions)
        assertNull(state.suggestion.summary, "nothing is guessed before the facts")

        // Answer whatever is asked until the engine decides.
        assertFalse(model.setNumber("age", "四十"), "not a number")
        assertEquals(Texts.NOT_A_NUMBER, model.state.value.message)
        var rounds = 0
        while (model.state.value.suggestion.summary == null) {
            check(rounds++ < 5) { "the engine keeps asking: ${model.state.value.fields}" }
            for (field in model.state.value.fields.filter { it.value == null }) {
                when (field.key) {
                    in flags -> model.setFlag(field.key, false)
                    "party_type" -> model.setChoice("party_type", "citizen")
                    "age" -> model.setNumber("age", "40")
                    "priors_12m" -> model.setNumber("priors_12m", "0")
                    "capacity" -> model.setChoice("capacity", "full")
                    "harm" -> model.setChoice("harm", "general")
                    "correction" -> model.setChoice("correction", "pending")
                    else -> error("unexpected question ${field.key}: ${field.label}")
                }
            }
            model.preview()
        }
        state = model.state.value
        assertTrue(state.suggestion.questions.isEmpty())
        assertTrue(state.suggestion.summary!!.contains("罚款100元至200元"), state.suggestion.summary)
        assertEquals(100L..200L, state.suggestion.band)
        assertTrue(state.suggestion.explanation!!.isNotBlank())
        val minor = state.fields.first { it.key == "minor_act" }
        assertEquals("否", minor.value)
        assertEquals("违法行为是否轻微？", minor.label, "an answered fact keeps its question")
        // A preview stores nothing; saving does.
        assertNull(phone.cases().suggest(case.id).outcome)
        model.save()
        assertEquals(100L, phone.cases().suggest(case.id).outcome?.fine?.min)

        model.chooseFine("500", null)
        assertEquals(Texts.fineOutsideBand("罚款100元至200元"), model.state.value.message)
        model.chooseFine("150", null)
        assertEquals(150L, model.state.value.chosenFine)
        assertEquals(150L, phone.cases().get(case.id).chosenFine)
    }
}
