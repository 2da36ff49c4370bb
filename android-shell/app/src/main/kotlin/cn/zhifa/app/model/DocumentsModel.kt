// A case's legal documents: every kind its procedure produces, in order, each rendered by
// the core as print-ready HTML (A4, GB/T 9704) that the Android layer prints through a
// WebView and PrintManager. A document the case does not support yet says why.
package cn.zhifa.app.model

import cn.zhifa.sdk.CaseService
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.DocumentKind
import cn.zhifa.sdk.documentKinds
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

data class DocumentRow(val kind: DocumentKind, val title: String)

/** A document ready to print: the HTML and the print job's name. */
data class Printable(val kind: DocumentKind, val jobName: String, val html: String)

data class DocumentsState(
    val caseId: String? = null,
    val caseNumber: String? = null,
    val rows: List<DocumentRow> = emptyList(),
    val open: Printable? = null,
    /** zh-CN: why the chosen document cannot be made yet (article, what is missing). */
    val message: String? = null,
)

class DocumentsModel(private val cases: CaseService) {
    private val _state = MutableStateFlow(DocumentsState())
    val state: StateFlow<DocumentsState> = _state.asStateFlow()

    suspend fun load(caseId: String) {
        try {
            val case = cases.get(caseId)
            _state.value = DocumentsState(
                caseId = caseId,
                caseNumber = case.number,
                rows = documentKinds(case.kind).map { DocumentRow(it.kind, it.title) },
            )
        } catch (e: ZhifaException) {
            _state.update { it.copy(message = e.message) }
        }
    }

    /** Renders one document for the print preview. */
    suspend fun open(kind: DocumentKind) {
        val s = _state.value
        val id = s.caseId ?: return
        val title = s.rows.firstOrNull { it.kind == kind }?.title ?: return
        try {
            val html = cases.renderDocument(id, kind)
            _state.update { it.copy(open = Printable(kind, Texts.printJobName(title, s.caseNumber), html), message = null) }
        } catch (e: ZhifaException) {
            _state.update { it.copy(open = null, message = e.message) }
        }
    }

    fun close() = _state.update { it.copy(open = null) }
}
