package cn.zhifa.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Switch
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
        Text("${state.violation} ${state.violationName}")
        state.fields.forEach { field ->
            when (field.kind) {
                FactKind.FLAG -> Row {
                    Text(field.label)
                    Switch(field.value == "是", { model.setFlag(field.key, it); scope.launch { model.preview() } })
                }
                FactKind.NUMBER -> OutlinedTextField(field.value ?: "", { if (model.setNumber(field.key, it)) scope.launch { model.preview() } }, label = { Text(field.label) })
                FactKind.CHOICE -> Column {
                    Text(field.label)
                    Row {
                        field.options.forEach { option ->
                            TextButton({ model.setChoice(field.key, option); scope.launch { model.preview() } }) {
                                Text(if (field.value == option) "【$option】" else option)
                            }
                        }
                    }
                }
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
