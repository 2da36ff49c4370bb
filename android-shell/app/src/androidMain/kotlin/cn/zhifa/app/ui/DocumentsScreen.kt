// The documents of a case, printed through Android's print service: the core's HTML in a
// WebView, handed to PrintManager (which offers the agency's printers and "save as PDF").
package cn.zhifa.app.ui

import android.app.Activity
import android.content.Context
import android.print.PrintAttributes
import android.print.PrintManager
import android.webkit.WebView
import android.webkit.WebViewClient
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import cn.zhifa.app.model.DocumentsModel
import cn.zhifa.app.model.Printable
import cn.zhifa.sdk.ZhifaStore
import kotlinx.coroutines.launch

@Composable
fun DocumentsScreen(store: ZhifaStore, caseId: String?, activity: Activity, modifier: Modifier = Modifier) {
    if (caseId == null) return Text("请先选择案件", modifier)
    val model = remember(store) { DocumentsModel(store.cases()) }
    val state by model.state.collectAsState()
    val scope = rememberCoroutineScope()
    LaunchedEffect(caseId) { model.load(caseId) }
    LaunchedEffect(state.open) {
        state.open?.let { print(activity, it); model.close() }
    }
    LazyColumn(modifier) {
        state.message?.let { item { Text(it) } }
        items(state.rows, key = { it.kind.name }) { row ->
            TextButton({ scope.launch { model.open(row.kind) } }) { Text(row.title) }
        }
    }
}

// The WebView being printed: held until the next print, or the print job loses its page.
private var printing: WebView? = null

private fun print(activity: Activity, doc: Printable) {
    val web = WebView(activity).also { printing = it }
    web.webViewClient = object : WebViewClient() {
        override fun onPageFinished(view: WebView, url: String?) {
            val printing = activity.getSystemService(Context.PRINT_SERVICE) as PrintManager
            val attributes = PrintAttributes.Builder().setMediaSize(PrintAttributes.MediaSize.ISO_A4).build()
            printing.print(doc.jobName, view.createPrintDocumentAdapter(doc.jobName), attributes)
        }
    }
    web.loadDataWithBaseURL(null, doc.html, "text/html", "UTF-8", null)
}
