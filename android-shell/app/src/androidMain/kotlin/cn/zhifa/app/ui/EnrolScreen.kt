package cn.zhifa.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Button
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import cn.zhifa.app.model.EnrolModel
import cn.zhifa.sdk.ZhifaStore
import kotlinx.coroutines.launch

@Composable
fun EnrolScreen(store: ZhifaStore, defaultServer: String, modifier: Modifier = Modifier) {
    val model = remember(store) { EnrolModel(store.sync(), defaultServer, android.os.Build.MODEL) }
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    LaunchedEffect(model) { model.load() }
    Column(modifier) {
        OutlinedTextField(state.serverUrl, model::setServerUrl, label = { Text("服务器地址") })
        OutlinedTextField(state.code, model::setCode, label = { Text("登记码") })
        OutlinedTextField(state.label, model::setLabel, label = { Text("设备名称") })
        Button(onClick = { scope.launch { model.enrol() } }, enabled = !state.busy) { Text("登记") }
        state.message?.let { Text(it) }
    }
}
