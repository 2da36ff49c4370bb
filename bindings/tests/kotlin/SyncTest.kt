// Sync through the generated Kotlin bindings on the JVM against the real server binary, as the
// Android shell's WorkManager job will drive it: enrol with a one-time code, sync with a
// progress observer, share a case with a second phone.

import java.io.File
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneId
import uniffi.zhifa_core.CaseEdit
import uniffi.zhifa_core.CaseKind
import uniffi.zhifa_core.SyncPhase
import uniffi.zhifa_core.SyncProgress
import uniffi.zhifa_ffi.StoreConfig
import uniffi.zhifa_ffi.SyncObserver
import uniffi.zhifa_ffi.ZhifaException
import uniffi.zhifa_ffi.ZhifaStore
import uniffi.zhifa_ffi.defaultSyncOptions

private class Phases : SyncObserver {
    val seen = mutableListOf<SyncPhase>()
    override fun onProgress(progress: SyncProgress) {
        seen.add(progress.phase)
    }
}

private fun expect(condition: Boolean, what: String) {
    if (!condition) throw AssertionError(what)
}

fun twoPhonesShareACaseThroughTheServer() {
    val server = System.getenv("ZHIFA_SERVER_BIN")
    val data = Files.createTempDirectory("zhifa-kotlin-server").toFile()
    val port = ServerSocket(0).use { it.localPort }
    val url = "http://127.0.0.1:$port"
    val process = ProcessBuilder(server, "serve", "--demo", "--data-dir", data.path, "--listen", "127.0.0.1:$port")
        .redirectErrorStream(true).redirectOutput(File("/dev/null")).start()
    try {
        val started = System.currentTimeMillis()
        while (runCatching { Socket("127.0.0.1", port).close() }.isFailure) {
            expect(System.currentTimeMillis() - started < 30_000, "server did not start")
            Thread.sleep(50)
        }
        val authority = File(data, "authority.key.pub.der").readBytes()
        fun phone(officer: String): ZhifaStore {
            val dir = Files.createTempDirectory("zhifa-kotlin-phone").toFile()
            val store = ZhifaStore.open(StoreConfig(dir.path, listOf("500103"), listOf(authority), "zhifa-test", true))
            val code = ProcessBuilder(server, "enrol-device", "--data-dir", data.path, "--officer", officer)
                .start().inputStream.bufferedReader().readText().trim()
            store.sync().enrol(url, code, "Kotlin phone")
            return store
        }
        val a = phone("渝50010320001")
        val b = phone("渝50010320002")
        val phases = Phases()
        val report = a.sync().syncNow(url, defaultSyncOptions(), phases)
        expect(report.credentialRenewed, "a duty credential arrives")
        expect(phases.seen.last() == SyncPhase.DONE, "progress ends with DONE, got ${phases.seen}")
        val today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString() // the core counts dates in Beijing
        val case = a.cases().create(CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
        a.cases().edit(case.id, listOf(CaseEdit.AppendFindings("消毒柜未通电。")))
        a.sync().syncNow(url, defaultSyncOptions(), null)
        b.sync().syncNow(url, defaultSyncOptions(), null)
        expect(b.cases().get(case.id).onsite.findings.contains("消毒柜"), "the case reached the second phone")
        try {
            ZhifaStore.open(StoreConfig(Files.createTempDirectory("zhifa-kotlin-x").toFile().path, listOf("500103"), listOf(authority), "zhifa-test", true))
                .sync().syncNow(url, defaultSyncOptions(), null)
            throw AssertionError("an unenrolled phone must be refused")
        } catch (e: ZhifaException.NotAuthorised) {
            expect(e.userMessage.contains("登记"), "the refusal says to enrol: ${e.userMessage}")
        }
    } finally {
        process.destroy()
        process.waitFor()
    }
}

object SyncTest {
    val tests = listOf("twoPhonesShareACaseThroughTheServer" to ::twoPhonesShareACaseThroughTheServer)
}
