package cn.zhifa.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import cn.zhifa.app.model.InspectionListModel
import cn.zhifa.sdk.ZhifaStore

@Composable
fun InspectionListScreen(store: ZhifaStore, onOpen: (String) -> Unit, modifier: Modifier = Modifier) {
    val model = remember(store) { InspectionListModel(store.inspections()) }
    val state by model.state.collectAsState()
    // Read each time the list is shown: a sync or the checklist may have changed it.
    LaunchedEffect(model) { model.load() }
    LazyColumn(modifier) {
        state.message?.let { item { Text(it) } }
        items(state.rows, key = { it.id }) { row ->
            Column(Modifier.clickable { onOpen(row.id) }) {
                Text("${row.enterpriseName}　${row.statusText}")
                Text(row.progress)
                row.findings?.let { Text(it) }
                row.conflict?.let { Text(it) }
                row.updated?.let { Text(it) }
            }
        }
    }
}
