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
import cn.zhifa.sdk.ZhifaStore
import kotlinx.coroutines.launch

@Composable
fun CaseFormScreen(store: ZhifaStore, caseId: String?, modifier: Modifier = Modifier) {
    if (caseId == null) return Text("请先在检查中立案", modifier)
    val model = remember(store) { CaseFormModel(store.cases()) }
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    var fine by remember { mutableStateOf("") }
    var reason by remember { mutableStateOf("") }
    LaunchedEffect(caseId) { model.load(caseId) }
    Column(modifier.verticalScroll(rememberScrollState())) {
        Text(state.violation)
        // Each question with the answers its fact takes: yes/no, a number, or a choice typed
        // as the engine names it.
        state.fields.forEach { field ->
            var typed by remember(field.key) { mutableStateOf(field.value ?: "") }
            Text(field.label)
            Row {
                TextButton({ model.setFlag(field.key, true); scope.launch { model.preview() } }) { Text("是") }
                TextButton({ model.setFlag(field.key, false); scope.launch { model.preview() } }) { Text("否") }
                OutlinedTextField(typed, { typed = it }, singleLine = true)
                TextButton({
                    if (typed.trim().toLongOrNull() != null) model.setNumber(field.key, typed) else model.setChoice(field.key, typed.trim())
                    scope.launch { model.preview() }
                }) { Text("确定") }
            }
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
