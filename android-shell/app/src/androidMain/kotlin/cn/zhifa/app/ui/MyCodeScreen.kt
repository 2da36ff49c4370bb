package cn.zhifa.app.ui

import android.app.Activity
import android.view.WindowManager
import androidx.compose.foundation.layout.Column
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import cn.zhifa.app.model.MyCodeModel
import cn.zhifa.sdk.ZhifaStore
import kotlinx.coroutines.delay

@Composable
fun MyCodeScreen(store: ZhifaStore, activity: Activity, modifier: Modifier = Modifier) {
    val model = remember(store) { MyCodeModel(store.codes(), store.catalogue()) }
    val state by model.state.collectAsState()
    LaunchedEffect(model) { model.start(this) }
    DisposableEffect(activity) {
        // Full brightness and screen on while the code is shown.
        if (!model.state.value.fullBrightness) return@DisposableEffect onDispose {}
        val window = activity.window
        val before = window.attributes.screenBrightness
        window.attributes = window.attributes.apply { screenBrightness = WindowManager.LayoutParams.BRIGHTNESS_OVERRIDE_FULL }
        window.addFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
        onDispose {
            window.attributes = window.attributes.apply { screenBrightness = before }
            window.clearFlags(WindowManager.LayoutParams.FLAG_KEEP_SCREEN_ON)
        }
    }
    var countdown by remember { mutableStateOf<String?>(null) }
    LaunchedEffect(model) {
        while (true) {
            countdown = model.refreshText()
            delay(1_000)
        }
    }
    Column(modifier) {
        state.payload?.let { QrImage(it) }
        countdown?.let { Text(it) }
        state.credentialLine?.let { Text(it) }
        state.itemsLine?.let { Text(it) }
        state.message?.let { Text(it) }
    }
}
