package cn.zhifa.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Button
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.produceState
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import cn.zhifa.app.ZhifaApplication
import cn.zhifa.app.model.SyncStatusModel
import cn.zhifa.sdk.ZhifaStore
import kotlinx.coroutines.launch

@Composable
fun SyncStatusScreen(app: ZhifaApplication, store: ZhifaStore, modifier: Modifier = Modifier) {
    val model by produceState<SyncStatusModel?>(null, store) {
        value = app.syncScheduler()?.let { SyncStatusModel(it, store.sync()) }
    }
    val m = model ?: return
    val view by m.view.collectAsState()
    val scope = rememberCoroutineScope()
    LaunchedEffect(m) {
        m.refreshCounts()
        app.syncScheduler()?.status?.collect(m::show)
    }
    Column(modifier) {
        Text(view.last)
        view.activity?.let { Text(it) }
        view.problem?.let { Text(it) }
        view.pending?.let { Text(it) }
        view.refused.forEach { Text(it) }
        Button({ scope.launch { m.syncNow() } }, enabled = !view.running) { Text("立即同步") }
    }
}
