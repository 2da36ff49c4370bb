// The case form: the facts the engine asks for (its questions, never a guess), the lawful
// suggestion for the answers so far with the engine's own explanation, and the officer's
// penalty. The suggestion is a preview until the facts are saved.
package cn.zhifa.app.model

import cn.zhifa.sdk.CaseService
import cn.zhifa.sdk.PenaltySuggestion
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseFile
import cn.zhifa.sdk.core.Fact
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/**
 * One fact as the form draws it: a question the engine asked (the officer answers it with
 * `setFlag`, `setNumber` or `setChoice`), or a fact already answered.
 */
data class FactField(
    val key: String,
    /** The engine's question, zh-CN. */
    val label: String,
    /** The answer so far, as the form shows it (是/否 for a flag), or null while unanswered. */
    val value: String?,
)

/** The suggestion, in the officer's words. */
data class SuggestionView(
    /** Questions still to answer before the engine decides (never guessed). */
    val questions: List<String> = emptyList(),
    /** E.g. 警告，罚款100元至200元, or 依法不予行政处罚. */
    val summary: String? = null,
    val band: LongRange? = null,
    /** The engine's explanation: which row, which grounds, which articles. */
    val explanation: String? = null,
    val citations: List<String> = emptyList(),
)

data class CaseFormState(
    val caseId: String? = null,
    val violation: String = "",
    /** Unanswered questions first, then the answers given. */
    val fields: List<FactField> = emptyList(),
    val suggestion: SuggestionView = SuggestionView(),
    val chosenFine: Long? = null,
    val message: String? = null,
)

class CaseFormModel(private val cases: CaseService) {
    private val _state = MutableStateFlow(CaseFormState())
    val state: StateFlow<CaseFormState> = _state.asStateFlow()
    private var facts = linkedMapOf<String, Fact>()
    private var asked = listOf<String>()
    private val labels = mutableMapOf<String, String>()

    suspend fun load(caseId: String) = guarded {
        val case = cases.get(caseId)
        facts = linkedMapOf<String, Fact>().apply { case.facts.forEach { put(it.key(), it) } }
        _state.value = CaseFormState(
            caseId = caseId,
            violation = case.violation,
            chosenFine = case.chosenFine,
        )
        refresh(cases.suggest(caseId))
    }

    fun setFlag(key: String, value: Boolean) = put(Fact.Flag(key, value))
    fun setChoice(key: String, value: String) = put(Fact.Choice(key, value))

    /** A number typed into the form; anything but an integer is refused before the core sees it. */
    fun setNumber(key: String, text: String): Boolean {
        val value = text.trim().toLongOrNull()
        if (value == null) {
            _state.update { it.copy(message = Texts.NOT_A_NUMBER) }
            return false
        }
        put(Fact.Number(key, value))
        return true
    }

    /** The suggestion for the answers so far, stored nowhere. */
    suspend fun preview() = guarded {
        val id = _state.value.caseId ?: return@guarded
        refresh(cases.preview(id, facts.values.toList()))
    }

    /** Saves the answers into the case (one change) and shows the stored suggestion. */
    suspend fun save() = guarded {
        val id = _state.value.caseId ?: return@guarded
        cases.edit(id, facts.values.map { CaseEdit.SetFact(it) })
        refresh(cases.suggest(id))
    }

    /** The officer's fine; outside the suggested band a reason is required (by the core too). */
    suspend fun chooseFine(text: String, reason: String?) = guarded {
        val id = _state.value.caseId ?: return@guarded
        val fine = text.trim().toLongOrNull()
        if (fine == null) {
            _state.update { it.copy(message = Texts.NOT_A_NUMBER) }
            return@guarded
        }
        val band = _state.value.suggestion.band
        if (band != null && fine !in band && reason.isNullOrBlank()) {
            _state.update { it.copy(message = Texts.fineOutsideBand(Texts.fineBand(band.first, band.last))) }
            return@guarded
        }
        val case: CaseFile = cases.choosePenalty(id, fine, reason?.trim()?.ifEmpty { null })
        _state.update { it.copy(chosenFine = case.chosenFine, message = null) }
    }

    private fun put(fact: Fact) {
        facts[fact.key()] = fact
        _state.update { it.copy(fields = fields(), message = null) }
    }

    private fun refresh(suggestion: PenaltySuggestion) {
        asked = suggestion.questions.map { it.fact }
        suggestion.questions.forEach { labels[it.fact] = it.question }
        _state.update { it.copy(fields = fields(), suggestion = view(suggestion), message = null) }
    }

    private fun fields(): List<FactField> {
        val open = asked.filter { it !in facts }.map { FactField(it, labels[it] ?: it, null) }
        return open + facts.values.map { FactField(it.key(), labels[it.key()] ?: it.key(), it.shown()) }
    }

    private suspend fun guarded(block: suspend () -> Unit) {
        try {
            block()
        } catch (e: ZhifaException) {
            _state.update { it.copy(message = e.message) }
        }
    }

    companion object {
        fun view(suggestion: PenaltySuggestion): SuggestionView {
            val outcome = suggestion.outcome
                ?: return SuggestionView(questions = suggestion.questions.map { it.question })
            val parts = mutableListOf<String>()
            if (outcome.warning) parts += Texts.WARNING
            val fine = outcome.fine?.takeIf { it.max > 0 }
            fine?.let { parts += Texts.fineBand(it.min, it.max) }
            return SuggestionView(
                summary = if (parts.isEmpty()) Texts.NO_PENALTY else parts.joinToString("，"),
                band = fine?.let { it.min..it.max },
                explanation = outcome.explanation,
                citations = outcome.citations,
            )
        }
    }
}

private fun Fact.key(): String = when (this) {
    is Fact.Flag -> name
    is Fact.Number -> name
    is Fact.Choice -> name
}

private fun Fact.shown(): String = when (this) {
    is Fact.Flag -> if (value) "是" else "否"
    is Fact.Number -> value.toString()
    is Fact.Choice -> value
}
