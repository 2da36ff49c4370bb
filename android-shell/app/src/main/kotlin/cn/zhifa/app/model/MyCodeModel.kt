// "My code": the officer's rotating enforcement code, redrawn at each 30-second step, with
// whose credential it is and until when. The screen keeps itself at full brightness.
package cn.zhifa.app.model

import cn.zhifa.android.CodeUpdate
import cn.zhifa.android.enforcementCodes
import cn.zhifa.sdk.CodeService
import cn.zhifa.sdk.DutyCredentialInfo
import cn.zhifa.sdk.qrSvg
import java.time.Instant
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class MyCodeState(
    val payload: String? = null,
    /** The QR code of `payload` as SVG (level M), drawn as-is. */
    val qrSvg: String? = null,
    val step: Long? = null,
    /** Whose code: name, credential number, valid until (Beijing time). */
    val credentialLine: String? = null,
    /** zh-CN: why there is no code now, or that it is on its way. */
    val message: String? = Texts.CODE_WAITING,
    /** The screen holds full brightness while it is shown (scanners struggle otherwise). */
    val fullBrightness: Boolean = true,
)

class MyCodeModel(
    private val codes: CodeService,
    /** The held duty credential, to say whose code it is. */
    private val credential: DutyCredentialInfo? = null,
    private val audience: String? = null,
    private val now: () -> Instant = Instant::now,
) {
    private val _state = MutableStateFlow(MyCodeState())
    val state: StateFlow<MyCodeState> = _state.asStateFlow()

    /** Follows the code until the returned job (or the scope) is cancelled. */
    fun start(scope: CoroutineScope): Job = scope.launch {
        credential?.let { c -> _state.update { it.copy(credentialLine = Texts.credentialLine(c.name, c.credentialNo, c.expiresAt)) } }
        codes.enforcementCodes(audience).collect { update ->
            when (update) {
                is CodeUpdate.Shown -> _state.update {
                    it.copy(payload = update.code.payload, qrSvg = qrSvg(update.code.payload), step = update.code.step, message = null)
                }
                is CodeUpdate.Unavailable -> _state.update {
                    it.copy(payload = null, qrSvg = null, step = null, message = update.message)
                }
            }
        }
    }

    /** "N秒后刷新" for the current step (steps are 30 s from the Unix epoch). */
    fun refreshText(): String? {
        val step = _state.value.step ?: return null
        val left = (step + 1) * STEP_SECONDS - now().epochSecond
        return Texts.codeRefreshIn(left.coerceIn(0, STEP_SECONDS))
    }

    private companion object {
        const val STEP_SECONDS = 30L
    }
}
