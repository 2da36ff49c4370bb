// Scanning the enterprise code at the door: the camera (CameraX + ML Kit) hands over the
// text; the core checks it offline and opens the visit, and the screen shows whom the
// officers are visiting and the enforcement code bound to that enterprise.
package cn.zhifa.app.model

import cn.zhifa.sdk.CodeService
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.GpsFix
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

data class ScanState(
    val scanning: Boolean = true,
    val busy: Boolean = false,
    val visitId: String? = null,
    val enterpriseName: String? = null,
    val creditCode: String? = null,
    /** zh-CN warnings about the enterprise code (expiring, planned enterprise differs, ...). */
    val warnings: List<String> = emptyList(),
    /** The enforcement code to show this enterprise now. */
    val enforcementCode: String? = null,
    /** zh-CN: the prompt, the visit opened, or why the code was refused. */
    val message: String = Texts.SCAN_PROMPT,
)

class ScanModel(
    private val codes: CodeService,
    private val officersPresent: List<String>,
    private val plannedCreditCode: String? = null,
) {
    private val _state = MutableStateFlow(ScanState())
    val state: StateFlow<ScanState> = _state.asStateFlow()

    /** A code the camera read; ignored while one is being checked or after a visit opened. */
    suspend fun onScanned(text: String, gps: GpsFix? = null) {
        val s = _state.value
        if (s.busy || !s.scanning) return
        _state.update { it.copy(busy = true) }
        try {
            val opened = codes.openVisit(text, gps, officersPresent, plannedCreditCode)
            val enterprise = opened.enterprise.code
            _state.value = ScanState(
                scanning = false,
                visitId = opened.visitId,
                enterpriseName = enterprise.name,
                creditCode = enterprise.creditCode,
                warnings = opened.warnings,
                enforcementCode = opened.enforcementCode.payload,
                message = Texts.visitOpened(enterprise.name),
            )
        } catch (e: ZhifaException) {
            // Refused: say why and keep scanning (the next frame may read it right).
            _state.update { it.copy(busy = false, message = e.message ?: Texts.SCAN_PROMPT) }
        }
    }

    fun scanAgain() {
        _state.value = ScanState()
    }
}
