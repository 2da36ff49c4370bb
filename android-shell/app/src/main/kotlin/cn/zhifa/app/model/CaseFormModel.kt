// The case form: the facts of the case's violation asked by its typed schema (yes/no, a number
// of a unit from its minimum, one of the allowed values by its zh-CN words), the engine's own
// questions (what it still needs, never a guess), the lawful suggestion for the answers so far
// with the engine's explanation, and the officer's penalty. The suggestion is a preview until
// the facts are saved.
package cn.zhifa.app.model

import cn.zhifa.sdk.CaseService
import cn.zhifa.sdk.DiscretionService
import cn.zhifa.sdk.PenaltySuggestion
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseFile
import cn.zhifa.sdk.core.Fact
import cn.zhifa.sdk.core.FactKind
import cn.zhifa.sdk.core.FactQuestion
import cn.zhifa.sdk.core.ViolationInfo
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/**
 * One fact as the form draws it. The form shows the facts the schema asks of every case of
 * the violation, those the engine asks for now, and those already answered; the others matter
 * only for some parties or answers, and the engine asks for them when they do.
 */
data class FactField(
    val key: String,
    /** The question, zh-CN (the schema's, which is also the engine's). */
    val label: String,
    /**
     * How it is answered: [FactKind.YesNo] with `setFlag`, [FactKind.Number] with `setNumber`
     * (whole, of its unit, from its `min`), [FactKind.OneOf] with `setChoice` (one of its
     * values, offered by their labels). Null for a fact the schema does not list: `setText`.
     */
    val kind: FactKind?,
    /** Asked of every case of this violation. */
    val required: Boolean,
    /** The engine needs it now before it can suggest. */
    val asked: Boolean,
    /** The answer as the form shows it (是/否, 40岁, a value's label), or null while unanswered. */
    val value: String?,
    /** The answer as the fact holds it (true/false, the digits, the value), to mark the option chosen. */
    val answer: String?,
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
    /** The violation's title from the catalogue, when it lists the violation. */
    val violationTitle: String? = null,
    /** Unanswered questions first, then the answers given. */
    val fields: List<FactField> = emptyList(),
    val suggestion: SuggestionView = SuggestionView(),
    val chosenFine: Long? = null,
    val message: String? = null,
)

class CaseFormModel(private val cases: CaseService, private val discretion: DiscretionService) {
    private val _state = MutableStateFlow(CaseFormState())
    val state: StateFlow<CaseFormState> = _state.asStateFlow()
    private var facts = linkedMapOf<String, Fact>()
    private var schema = listOf<FactQuestion>()
    private var asked = listOf<String>()
    private val labels = mutableMapOf<String, String>()
    // Every violation with its schema, read once per model: a catalogue changes only by sync.
    private var violations: List<ViolationInfo>? = null

    suspend fun load(caseId: String) = guarded {
        val case = cases.get(caseId)
        val info = (violations ?: discretion.violations().also { violations = it }).firstOrNull { it.id == case.violation }
        schema = info?.questions.orEmpty()
        labels.clear()
        schema.forEach { labels[it.key] = it.label }
        facts = linkedMapOf<String, Fact>().apply { case.facts.forEach { put(it.key(), it) } }
        _state.value = CaseFormState(
            caseId = caseId,
            violation = case.violation,
            violationTitle = info?.title,
            chosenFine = case.chosenFine,
        )
        refresh(cases.suggest(caseId))
    }

    fun setFlag(key: String, value: Boolean) = put(Fact.Flag(key, value))

    /** One of the fact's allowed values (by value, not label); any other is refused here. */
    fun setChoice(key: String, value: String): Boolean {
        val allowed = (kindOf(key) as? FactKind.OneOf)?.values
        if (allowed != null && allowed.none { it.value == value }) {
            _state.update { it.copy(message = Texts.NOT_AN_ALLOWED_VALUE) }
            return false
        }
        put(Fact.Choice(key, value))
        return true
    }

    /** A number typed into the form: a whole number from the schema's minimum, refused before the core sees it. */
    fun setNumber(key: String, text: String): Boolean {
        val value = text.trim().toLongOrNull()
        if (value == null) {
            _state.update { it.copy(message = Texts.NOT_A_NUMBER) }
            return false
        }
        val number = kindOf(key) as? FactKind.Number
        if (number != null && value < number.min) {
            _state.update { it.copy(message = Texts.numberAtLeast(number.min, number.unit)) }
            return false
        }
        put(Fact.Number(key, value))
        return true
    }

    /** A fact the schema does not type: a whole number is a number, other text a choice. */
    fun setText(key: String, text: String): Boolean {
        val typed = text.trim()
        if (typed.isEmpty()) return false
        if (typed.toLongOrNull() != null) return setNumber(key, typed)
        return setChoice(key, typed)
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
        suggestion.questions.forEach { labels.getOrPut(it.fact) { it.question } }
        _state.update { it.copy(fields = fields(), suggestion = view(suggestion), message = null) }
    }

    private fun kindOf(key: String): FactKind? = schema.firstOrNull { it.key == key }?.kind

    /** Unanswered first, then the answers; each in the schema's order (the party type first). */
    private fun fields(): List<FactField> {
        val byKey = schema.associateBy { it.key }
        val keys = LinkedHashSet<String>()
        schema.filter { it.required || it.key in asked || it.key in facts }.forEach { keys += it.key }
        keys += asked // a fact the schema does not list is still asked, untyped
        keys += facts.keys
        val all = keys.map { key ->
            val question = byKey[key]
            val fact = facts[key]
            FactField(
                key = key,
                label = labels[key] ?: key,
                kind = question?.kind,
                required = question?.required ?: false,
                asked = key in asked,
                value = fact?.shown(question?.kind),
                answer = fact?.answer(),
            )
        }
        return all.filter { it.value == null } + all.filter { it.value != null }
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

private fun Fact.shown(kind: FactKind?): String = when (this) {
    is Fact.Flag -> if (value) Texts.YES else Texts.NO
    is Fact.Number -> Texts.quantity(value, (kind as? FactKind.Number)?.unit.orEmpty())
    is Fact.Choice -> (kind as? FactKind.OneOf)?.values?.firstOrNull { it.value == value }?.label ?: value
}

private fun Fact.answer(): String = when (this) {
    is Fact.Flag -> value.toString()
    is Fact.Number -> value.toString()
    is Fact.Choice -> value
}
