// "My code": the officer's rotating enforcement code, redrawn at each 30-second step, with
// the duty credential the device holds: whose it is, for which items and until when. Without
// one there is no code, and the screen asks the officer to sync. The screen keeps itself at
// full brightness.
package cn.zhifa.app.model

import cn.zhifa.android.CodeUpdate
import cn.zhifa.android.enforcementCodes
import cn.zhifa.sdk.CatalogueService
import cn.zhifa.sdk.CodeService
import cn.zhifa.sdk.DutyCredentialInfo
import cn.zhifa.sdk.ZhifaException
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
    /** The credential's enforcement items by their catalogue names, or that it covers them all. */
    val itemsLine: String? = null,
    /** zh-CN: why there is no code now, or that it is on its way. */
    val message: String? = Texts.CODE_WAITING,
    /** The screen holds full brightness while it is shown (scanners struggle otherwise). */
    val fullBrightness: Boolean = true,
)

class MyCodeModel(
    private val codes: CodeService,
    /** Names the credential's items (their codes mean little to the officer). */
    private val catalogue: CatalogueService,
    private val audience: String? = null,
    private val now: () -> Instant = Instant::now,
) {
    private val _state = MutableStateFlow(MyCodeState())
    val state: StateFlow<MyCodeState> = _state.asStateFlow()

    /**
     * Reads the held credential, then follows the code until the returned job (or the scope)
     * is cancelled. Without a credential it ends at once, asking for a sync: the code cannot
     * exist, so there is nothing to subscribe to. A new start reads the credential again (a
     * sync may have brought one).
     */
    fun start(scope: CoroutineScope): Job = scope.launch {
        val held = try {
            codes.credential()?.let { c -> c to itemsLine(c) }
        } catch (e: ZhifaException) {
            _state.value = MyCodeState(message = e.message)
            return@launch
        }
        if (held == null) {
            _state.value = MyCodeState(message = Texts.NO_CREDENTIAL)
            return@launch
        }
        val (credential, items) = held
        _state.value = MyCodeState(
            credentialLine = Texts.credentialLine(credential.name, credential.credentialNo, credential.expiresAt),
            itemsLine = items,
        )
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

    // A credential without items covers every item the catalogue authorises the officer for:
    // said so, with how many, rather than a list as long as the officer's authorisation.
    private suspend fun itemsLine(credential: DutyCredentialInfo): String {
        if (credential.items.isEmpty()) {
            return Texts.credentialAllItems(catalogue.officer(credential.credentialNo)?.items?.size)
        }
        return Texts.credentialItems(credential.items.map { code -> catalogue.enforcementItem(code)?.name ?: code })
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
