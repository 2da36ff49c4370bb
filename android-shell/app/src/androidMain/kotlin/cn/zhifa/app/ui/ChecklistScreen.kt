package cn.zhifa.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import cn.zhifa.app.model.ChecklistModel
import cn.zhifa.app.model.Texts
import cn.zhifa.sdk.ZhifaStore
import cn.zhifa.sdk.core.CheckResult
import kotlinx.coroutines.launch

@Composable
fun ChecklistScreen(
    store: ZhifaStore,
    inspectionId: String,
    onCaseOpened: (String) -> Unit,
    onBack: () -> Unit,
    modifier: Modifier = Modifier,
) {
    val model = remember(store) { ChecklistModel(store.inspections(), store.catalogue()) }
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    val notes = remember { mutableStateMapOf<String, String>() }
    // The inspection is the one opened from the inspection list.
    LaunchedEffect(inspectionId) { model.load(inspectionId) }
    Column(modifier) {
        TextButton(onBack) { Text(Texts.BACK_TO_INSPECTIONS) }
        Text(state.enterpriseName)
        Text(state.progress)
        state.message?.let { Text(it) }
        LazyColumn {
            items(state.rows, key = { it.item }) { row ->
                Column {
                    Text("${row.title}：${row.resultText}")
                    OutlinedTextField(notes[row.item] ?: row.note, { notes[row.item] = it }, label = { Text("情况说明") })
                    Row {
                        TextButton({ scope.launch { model.record(row.item, CheckResult.COMPLIANT) } }) { Text(Texts.RESULT_COMPLIANT) }
                        TextButton({ scope.launch { model.record(row.item, CheckResult.NON_COMPLIANT, notes[row.item] ?: row.note) } }) { Text(Texts.RESULT_NON_COMPLIANT) }
                        TextButton({ scope.launch { model.record(row.item, CheckResult.NOT_APPLICABLE) } }) { Text(Texts.RESULT_NOT_APPLICABLE) }
                        if (row.canOpenCase) {
                            TextButton({ scope.launch { model.openCase(row.item)?.let(onCaseOpened) } }) { Text("立案") }
                        }
                    }
                }
            }
        }
    }
}
