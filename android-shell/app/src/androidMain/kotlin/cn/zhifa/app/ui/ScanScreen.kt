package cn.zhifa.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import cn.zhifa.app.model.ScanModel
import cn.zhifa.sdk.ZhifaStore
import kotlinx.coroutines.launch

@Composable
fun ScanScreen(store: ZhifaStore, modifier: Modifier = Modifier) {
    // The officers present: the device's own, and a second chosen on the visit (Art. 42).
    val model = remember(store) { ScanModel(store.codes(), officersPresent = emptyList()) }
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    Column(modifier) {
        if (state.scanning) {
            QrScanner(onText = { text -> scope.launch { model.onScanned(text) } })
        } else {
            state.enterpriseName?.let { Text(it) }
            state.creditCode?.let { Text("统一社会信用代码 $it") }
            state.enforcementCode?.let { QrImage(it) }
            Button(onClick = model::scanAgain) { Text("重新扫描") }
        }
        state.warnings.forEach { Text(it) }
        Text(state.message)
    }
}
