// Enrolment: the server's address and the one-time code the administrator gave the officer.
package cn.zhifa.app.model

import cn.zhifa.sdk.SyncService
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.Enrolment
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

data class EnrolState(
    val serverUrl: String = "",
    val code: String = "",
    val label: String = "",
    val busy: Boolean = false,
    /** zh-CN: what went wrong, or where things stand. */
    val message: String? = null,
    val enrolment: Enrolment? = null,
)

class EnrolModel(private val sync: SyncService, defaultServer: String = "", deviceLabel: String = "") {
    private val _state = MutableStateFlow(EnrolState(serverUrl = defaultServer, label = deviceLabel))
    val state: StateFlow<EnrolState> = _state.asStateFlow()

    fun setServerUrl(text: String) = _state.update { it.copy(serverUrl = text.trim(), message = null) }
    fun setCode(text: String) = _state.update { it.copy(code = text.trim(), message = null) }
    fun setLabel(text: String) = _state.update { it.copy(label = text, message = null) }

    /** Shows an enrolment this device already holds (the screen is then only informative). */
    suspend fun load() {
        val held = sync.enrolment() ?: return
        _state.update { it.copy(enrolment = held, message = Texts.enrolled(held.subject, held.team)) }
    }

    /** Enrols; true when the device is now enrolled. Failures land in `message`. */
    suspend fun enrol(): Boolean {
        val s = _state.value
        if (s.busy) return false
        val problem = when {
            s.serverUrl.isEmpty() -> Texts.ENROL_NEED_SERVER
            !s.serverUrl.startsWith("https://") && !s.serverUrl.startsWith("http://") -> Texts.ENROL_BAD_SERVER
            s.code.isEmpty() -> Texts.ENROL_NEED_CODE
            else -> null
        }
        if (problem != null) {
            _state.update { it.copy(message = problem) }
            return false
        }
        _state.update { it.copy(busy = true, message = Texts.ENROL_BUSY) }
        return try {
            val enrolment = sync.enrol(s.serverUrl, s.code, s.label.ifBlank { "执法终端" })
            _state.update {
                it.copy(busy = false, enrolment = enrolment, code = "", message = Texts.enrolled(enrolment.subject, enrolment.team))
            }
            true
        } catch (e: ZhifaException) {
            _state.update { it.copy(busy = false, message = e.message) }
            false
        }
    }
}
