// The inspections on this device (tasks from the plan, by sync), most recently changed first,
// each with its status and progress; the officer opens one's checklist from here.
package cn.zhifa.app.model

import cn.zhifa.sdk.InspectionService
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.InspectionStatus
import cn.zhifa.sdk.core.InspectionSummary
import java.time.OffsetDateTime
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

data class InspectionRow(
    val id: String,
    val enterpriseName: String,
    val status: InspectionStatus,
    /** The core's zh-CN name of the status: 未开始, 检查中, 已完成. */
    val statusText: String,
    /** 已检查 n/m 项. */
    val progress: String,
    /** 不符合 n 项, when there are findings. */
    val findings: String?,
    /** The two officers recorded an item differently: said, for them to settle. */
    val conflict: String?,
    /** 更新于 …, Beijing time. */
    val updated: String?,
)

data class InspectionListState(
    val rows: List<InspectionRow> = emptyList(),
    val loaded: Boolean = false,
    /** zh-CN: that there is nothing yet (a sync brings the tasks), or why the list failed. */
    val message: String? = null,
)

class InspectionListModel(private val inspections: InspectionService) {
    private val _state = MutableStateFlow(InspectionListState())
    val state: StateFlow<InspectionListState> = _state.asStateFlow()

    /** Reads the list again (after a sync or an edit); the core orders it, newest first. */
    suspend fun load() {
        try {
            val rows = inspections.list().map(::row)
            _state.value = InspectionListState(rows, loaded = true, message = if (rows.isEmpty()) Texts.NO_INSPECTIONS else null)
        } catch (e: ZhifaException) {
            _state.update { it.copy(message = e.message) }
        }
    }

    companion object {
        fun row(s: InspectionSummary) = InspectionRow(
            id = s.id,
            enterpriseName = s.enterpriseName,
            status = s.status,
            statusText = s.statusZh,
            progress = Texts.checkedCount(s.itemsRecorded, s.itemsTotal),
            findings = s.nonCompliant.takeIf { it > 0 }?.let(Texts::nonCompliantCount),
            conflict = if (s.conflicted) Texts.INSPECTION_CONFLICT else null,
            // RFC 3339 from the core; a time it cannot read is left out, not guessed.
            updated = runCatching { OffsetDateTime.parse(s.updatedAt).toInstant() }.getOrNull()?.let(Texts::updatedAt),
        )
    }
}
