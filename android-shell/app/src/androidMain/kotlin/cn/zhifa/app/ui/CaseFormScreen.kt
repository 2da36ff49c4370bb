package cn.zhifa.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import cn.zhifa.app.model.CaseFormModel
import cn.zhifa.app.model.FactField
import cn.zhifa.app.model.Texts
import cn.zhifa.sdk.ZhifaStore
import cn.zhifa.sdk.core.FactKind
import kotlinx.coroutines.launch

@Composable
fun CaseFormScreen(store: ZhifaStore, caseId: String?, modifier: Modifier = Modifier) {
    if (caseId == null) return Text("请先在检查中立案", modifier)
    val model = remember(store) { CaseFormModel(store.cases(), store.discretion()) }
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    var fine by remember { mutableStateOf("") }
    var reason by remember { mutableStateOf("") }
    LaunchedEffect(caseId) { model.load(caseId) }
    Column(modifier.verticalScroll(rememberScrollState())) {
        Text(state.violationTitle?.let { "${state.violation} $it" } ?: state.violation)
        // Each question answered as its kind allows; a changed answer previews the suggestion.
        state.fields.forEach { field ->
            FactInput(field, onAnswered = { scope.launch { model.preview() } }, model = model)
        }
        state.suggestion.questions.forEach { Text(it) }
        state.suggestion.summary?.let { Text(it) }
        state.suggestion.explanation?.let { Text(it) }
        state.suggestion.citations.forEach { Text(it) }
        Button({ scope.launch { model.save() } }) { Text("保存事实") }
        OutlinedTextField(fine, { fine = it }, label = { Text("罚款金额（元）") })
        OutlinedTextField(reason, { reason = it }, label = { Text("理由（超出建议幅度时必填）") })
        Button({ scope.launch { model.chooseFine(fine, reason) } }) { Text("确定处罚") }
        state.message?.let { Text(it) }
    }
}

@Composable
private fun FactInput(field: FactField, onAnswered: () -> Unit, model: CaseFormModel) {
    // The engine waits for this one: marked, as the required ones are.
    Text(if (field.asked || field.required) "* ${field.label}" else field.label)
    when (val kind = field.kind) {
        FactKind.YesNo -> Row {
            TextButton({ model.setFlag(field.key, true); onAnswered() }, enabled = field.answer != "true") { Text(Texts.YES) }
            TextButton({ model.setFlag(field.key, false); onAnswered() }, enabled = field.answer != "false") { Text(Texts.NO) }
        }
        is FactKind.OneOf -> Row {
            kind.values.forEach { option ->
                TextButton({ if (model.setChoice(field.key, option.value)) onAnswered() }, enabled = field.answer != option.value) { Text(option.label) }
            }
        }
        is FactKind.Number -> Row {
            var typed by remember(field.key) { mutableStateOf(field.answer ?: "") }
            OutlinedTextField(typed, { typed = it }, singleLine = true, suffix = { Text(kind.unit) })
            TextButton({ if (model.setNumber(field.key, typed)) onAnswered() }) { Text("确定") }
        }
        null -> Row {
            var typed by remember(field.key) { mutableStateOf(field.answer ?: "") }
            OutlinedTextField(typed, { typed = it }, singleLine = true)
            TextButton({ if (model.setText(field.key, typed)) onAnswered() }) { Text("确定") }
        }
    }
    field.value?.let { Text(it) }
}
