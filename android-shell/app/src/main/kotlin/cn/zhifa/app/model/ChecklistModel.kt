// The inspection checklist: one row per item of the combined checklist, each recorded as
// compliant, non-compliant (with a note) or not applicable, and a case opened from a finding.
package cn.zhifa.app.model

import cn.zhifa.sdk.CatalogueService
import cn.zhifa.sdk.InspectionService
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.CheckResult
import cn.zhifa.sdk.core.Inspection
import cn.zhifa.sdk.core.InspectionEdit
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

data class ChecklistRow(
    val item: String,
    /** The enforcement item's name from the catalogue, or its code when the catalogue lacks it. */
    val title: String,
    val result: CheckResult?,
    val resultText: String,
    val note: String,
    /** A non-compliant finding without a case yet: the row offers 立案. */
    val canOpenCase: Boolean,
    val caseId: String?,
)

data class ChecklistState(
    val inspectionId: String? = null,
    val enterpriseName: String = "",
    val rows: List<ChecklistRow> = emptyList(),
    val progress: String = "",
    val message: String? = null,
)

class ChecklistModel(private val inspections: InspectionService, private val catalogue: CatalogueService) {
    private val _state = MutableStateFlow(ChecklistState())
    val state: StateFlow<ChecklistState> = _state.asStateFlow()
    private val titles = mutableMapOf<String, String>()

    suspend fun load(inspectionId: String) = guarded { show(inspections.get(inspectionId)) }

    /** Records a result; a non-compliant one needs a note (it becomes the case's findings). */
    suspend fun record(item: String, result: CheckResult, note: String = "") {
        if (result == CheckResult.NON_COMPLIANT && note.isBlank()) {
            _state.update { it.copy(message = Texts.NOTE_REQUIRED) }
            return
        }
        val id = _state.value.inspectionId ?: return
        guarded { show(inspections.edit(id, listOf(InspectionEdit.Record(item, result, note.trim())))) }
    }

    /** Opens a case from a non-compliant finding; returns its id for the case form. */
    suspend fun openCase(item: String): String? {
        val id = _state.value.inspectionId ?: return null
        var caseId: String? = null
        guarded {
            caseId = inspections.openCase(id, item).id
            show(inspections.get(id))
        }
        return caseId
    }

    private suspend fun show(inspection: Inspection) {
        val rows = inspection.checklist.map { entry ->
            ChecklistRow(
                item = entry.item,
                title = title(entry.item),
                result = entry.result,
                resultText = resultText(entry.result),
                note = entry.note,
                canOpenCase = entry.result == CheckResult.NON_COMPLIANT && entry.caseId == null,
                caseId = entry.caseId,
            )
        }
        val done = rows.count { it.result != null }
        _state.value = ChecklistState(
            inspectionId = inspection.id,
            enterpriseName = inspection.enterpriseName,
            rows = rows,
            progress = Texts.checkedCount(done, rows.size),
        )
    }

    private suspend fun title(item: String): String = titles.getOrPut(item) {
        catalogue.enforcementItem(item)?.name ?: item
    }

    private suspend fun guarded(block: suspend () -> Unit) {
        try {
            block()
        } catch (e: ZhifaException) {
            _state.update { it.copy(message = e.message) }
        }
    }

    companion object {
        fun resultText(result: CheckResult?): String = when (result) {
            CheckResult.COMPLIANT -> Texts.RESULT_COMPLIANT
            CheckResult.NON_COMPLIANT -> Texts.RESULT_NON_COMPLIANT
            CheckResult.NOT_APPLICABLE -> Texts.RESULT_NOT_APPLICABLE
            null -> Texts.RESULT_UNCHECKED
        }
    }
}
