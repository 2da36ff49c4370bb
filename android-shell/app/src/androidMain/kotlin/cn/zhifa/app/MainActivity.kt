// One activity; the screens are Compose destinations chosen from a bottom bar.
package cn.zhifa.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.produceState
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import cn.zhifa.app.ui.CaseFormScreen
import cn.zhifa.app.ui.ChecklistScreen
import cn.zhifa.app.ui.DocumentsScreen
import cn.zhifa.app.ui.EnrolScreen
import cn.zhifa.app.ui.InspectionListScreen
import cn.zhifa.app.ui.MyCodeScreen
import cn.zhifa.app.ui.ScanScreen
import cn.zhifa.app.ui.SyncStatusScreen
import cn.zhifa.sdk.ZhifaStore

enum class Screen(val label: String) { ENROL("登记"), CODE("执法码"), SCAN("扫企业码"), CHECKLIST("检查"), CASE("案件"), DOCUMENTS("文书"), SYNC("同步") }

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val app = application as ZhifaApplication
        setContent {
            MaterialTheme {
                val store by produceState<ZhifaStore?>(null) { value = app.store() }
                var screen by remember { mutableStateOf(Screen.CODE) }
                // The current inspection (opened from the list) and case, handed from one
                // screen to the next.
                var inspectionId by remember { mutableStateOf<String?>(null) }
                var caseId by remember { mutableStateOf<String?>(null) }
                Scaffold(bottomBar = {
                    NavigationBar {
                        Screen.entries.forEach { s ->
                            NavigationBarItem(selected = s == screen, onClick = { screen = s }, icon = {}, label = { Text(s.label) })
                        }
                    }
                }) { padding ->
                    val s = store
                    if (s == null) {
                        Text("正在打开…", Modifier.padding(padding))
                        return@Scaffold
                    }
                    val modifier = Modifier.padding(padding)
                    when (screen) {
                        Screen.ENROL -> EnrolScreen(s, app.settings.getProperty("server"), modifier)
                        Screen.CODE -> MyCodeScreen(s, this, modifier)
                        Screen.SCAN -> ScanScreen(s, modifier)
                        Screen.CHECKLIST -> when (val id = inspectionId) {
                            null -> InspectionListScreen(s, { inspectionId = it }, modifier)
                            else -> ChecklistScreen(s, id, { caseId = it; screen = Screen.CASE }, { inspectionId = null }, modifier)
                        }
                        Screen.CASE -> CaseFormScreen(s, caseId, modifier)
                        Screen.DOCUMENTS -> DocumentsScreen(s, caseId, this, modifier)
                        Screen.SYNC -> SyncStatusScreen(app, s, modifier)
                    }
                }
            }
        }
    }
}
