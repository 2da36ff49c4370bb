package cn.zhifa.app.model

import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.core.FactKind
import cn.zhifa.testing.Fixtures
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CaseFormModelTest {
    // The field demo's summary case (乱倒生活垃圾): the choices the officer makes, by value.
    private val choices = mapOf("party_type" to "citizen", "capacity" to "full", "harm" to "general", "correction" to "pending")

    @Test
    fun `asks by the violation's typed schema, then suggests the band with its explanation`() = runBlocking {
        val phone = Fixtures.offlinePhone("渝50010320021")
        val today = Fixtures.today()
        val case = phone.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", today, today)
        val model = CaseFormModel(phone.cases(), phone.discretion())
        model.load(case.id)
        var state = model.state.value
        assertEquals("GF-111-C", state.violation)
        val schema = phone.discretion().violations().first { it.id == "GF-111-C" }
        assertEquals(schema.title, state.violationTitle)
        assertTrue(state.fields.isNotEmpty() && state.fields.all { it.value == null }, "questions first: ${state.fields}")
        assertTrue(state.fields.all { f -> f.label.endsWith("？") && f.kind != null }, "typed zh-CN questions: ${state.fields}")
        // The schema's required questions are there from the start, the party type first.
        val party = state.fields.first()
        assertEquals("party_type", party.key)
        assertTrue(party.required)
        assertEquals(listOf("公民", "法人或者其他组织"), (party.kind as FactKind.OneOf).values.map { it.label })
        assertTrue(schema.questions.filter { it.required }.all { q -> state.fields.any { it.key == q.key } })
        // The engine's own questions are shown as it asks them, and marked on their fields.
        assertEquals(state.fields.filter { it.asked }.map { it.label }.toSet(), state.suggestion.questions.toSet())
        assertTrue(state.suggestion.questions.isNotEmpty())
        assertNull(state.suggestion.summary, "nothing is guessed before the facts")

        // Answers the schema does not allow are refused before the core sees them.
        assertFalse(model.setChoice("party_type", "alien"))
        assertEquals(Texts.NOT_AN_ALLOWED_VALUE, model.state.value.message)
        assertTrue(model.setChoice("party_type", "citizen"))
        assertEquals("公民", model.state.value.fields.first { it.key == "party_type" }.value, "a choice shows its label")
        assertEquals("citizen", model.state.value.fields.first { it.key == "party_type" }.answer)
        model.preview() // a citizen: the engine asks for the age
        val age = model.state.value.fields.first { it.key == "age" }
        assertTrue(age.asked)
        val years = age.kind as FactKind.Number
        assertFalse(model.setNumber("age", "四十"), "not a number")
        assertEquals(Texts.NOT_A_NUMBER, model.state.value.message)
        assertFalse(model.setNumber("age", "${years.min - 1}"), "below the minimum")
        assertEquals("请填写不小于${years.min}${years.unit}的整数", model.state.value.message)

        // Answer whatever is asked, each by its kind, until the engine decides.
        var rounds = 0
        while (model.state.value.suggestion.summary == null) {
            check(rounds++ < 8) { "the engine keeps asking: ${model.state.value.fields}" }
            for (field in model.state.value.fields.filter { it.value == null }) {
                when (val kind = field.kind) {
                    FactKind.YesNo -> model.setFlag(field.key, false)
                    is FactKind.Number -> assertTrue(model.setNumber(field.key, if (field.key == "age") "40" else "${kind.min}"))
                    is FactKind.OneOf -> assertTrue(model.setChoice(field.key, choices[field.key] ?: kind.values.first().value))
                    null -> error("an untyped question ${field.key}: ${field.label}")
                }
            }
            model.preview()
        }
        state = model.state.value
        assertTrue(state.suggestion.questions.isEmpty())
        assertTrue(state.fields.none { it.asked })
        assertTrue(state.suggestion.summary!!.contains("罚款100元至200元"), state.suggestion.summary)
        assertEquals(100L..200L, state.suggestion.band)
        assertTrue(state.suggestion.explanation!!.isNotBlank())
        val minor = state.fields.first { it.key == "minor_act" }
        assertEquals("否", minor.value)
        assertEquals("违法行为是否轻微？", minor.label, "an answered fact keeps its question")
        assertEquals("40${years.unit}", state.fields.first { it.key == "age" }.value)
        // A preview stores nothing; saving does.
        assertNull(phone.cases().suggest(case.id).outcome)
        model.save()
        assertEquals(100L, phone.cases().suggest(case.id).outcome?.fine?.min)

        // Reopened, the form shows the stored answers by their labels.
        val reopened = CaseFormModel(phone.cases(), phone.discretion())
        reopened.load(case.id)
        assertEquals("公民", reopened.state.value.fields.first { it.key == "party_type" }.value)
        assertEquals(state.suggestion.summary, reopened.state.value.suggestion.summary)

        model.chooseFine("500", null)
        assertEquals(Texts.fineOutsideBand("罚款100元至200元"), model.state.value.message)
        model.chooseFine("150", null)
        assertEquals(150L, model.state.value.chosenFine)
        assertEquals(150L, phone.cases().get(case.id).chosenFine)
    }
}
