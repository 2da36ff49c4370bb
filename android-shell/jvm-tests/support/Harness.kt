// What the JVM tests share: the fixtures scripts/test makes (a signed demo bundle, the
// authority key, an enterprise code, the server binary), a real zhifa-sync-server on a
// loopback port, and phones: stores of the desktop libzhifa_ffi.so, enrolled with the server
// or holding the bundle and a duty credential offline.
package cn.zhifa.testing

import cn.zhifa.sdk.DutyCredentialInfo
import cn.zhifa.sdk.StoreConfig
import cn.zhifa.sdk.ZhifaStore
import cn.zhifa.sdk.core.CaseQuery
import cn.zhifa.sdk.core.SyncOptions
import cn.zhifa.sdk.core.SyncPhase
import cn.zhifa.sdk.core.SyncProgress
import cn.zhifa.sdk.defaultSyncOptions
import java.io.File
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneId
import java.util.concurrent.ConcurrentLinkedQueue

object Fixtures {
    private fun env(name: String): String =
        System.getenv(name) ?: throw IllegalStateException("$name is not set: run android-shell/run-jvm-tests from scripts/test")

    val serverBin: String get() = env("ZHIFA_SERVER_BIN")
    val bundle: ByteArray by lazy { File(env("ZHIFA_TEST_BUNDLE")).readBytes() }
    val authority: ByteArray by lazy { File(env("ZHIFA_TEST_AUTHORITY")).readBytes() }
    val enterpriseCode: String by lazy { File(env("ZHIFA_TEST_ENTERPRISE_CODE")).readText().trim() }

    /** The core counts dates in Beijing. */
    fun today(): LocalDate = LocalDate.now(ZoneId.of("Asia/Shanghai"))

    // Every store and server directory the run made, removed when the JVM exits (deleteOnExit
    // cannot remove a directory that is not empty).
    private val made = ConcurrentLinkedQueue<File>()

    init {
        // The hook runs after JUnit's console launcher has closed the class loader the tests
        // came from, so it can load no class it has not loaded yet: deleteRecursively failed
        // there (NoClassDefFoundError: kotlin/io/...) and left every directory, and so would a
        // lambda of its own. Hence java.nio, and a plain loop.
        Runtime.getRuntime().addShutdownHook(Thread {
            for (dir in made) {
                try {
                    val walk = Files.walk(dir.toPath())
                    try {
                        val deepestFirst = walk.sorted(Comparator.reverseOrder()).iterator()
                        while (deepestFirst.hasNext()) Files.delete(deepestFirst.next())
                    } finally {
                        walk.close()
                    }
                } catch (e: Exception) {
                    // Left behind: nothing more can be done as the JVM exits.
                }
            }
        })
    }

    fun tempDir(prefix: String): File = Files.createTempDirectory(prefix).toFile().also { made.add(it) }

    /** The command's standard output (its log goes to stderr, shown only when it fails). */
    fun run(vararg command: String): String {
        val log = File.createTempFile("zhifa-jvm-command", ".log").also { it.deleteOnExit() }
        val process = ProcessBuilder(*command).redirectError(log).start()
        val out = process.inputStream.bufferedReader().readText()
        check(process.waitFor() == 0) { "${command.take(2)}: $out ${log.readText()}" }
        return out
    }

    /** One attempt, a short pause: a test of a failure fails fast. */
    fun quickOptions(): SyncOptions = defaultSyncOptions().copy(attempts = 1, backoffMs = 10L)

    /** Up to 200 case summaries after `after` (keyset paging). */
    fun casePage(after: String?) = CaseQuery(null, null, null, null, false, after, 200)

    /** What a running sync reports, for a status screen's test. */
    fun progress(phase: SyncPhase, done: Int, total: Int) = SyncProgress(phase, done, total, 0L, 0L)

    fun config(dir: File, authority: ByteArray = this.authority, jurisdiction: List<String> = listOf("500103")) =
        StoreConfig(dir.path, jurisdiction, listOf(authority), "zhifa-test", true)

    /** A store with the demo bundle applied and `officer`'s duty credential installed: no server. */
    suspend fun offlinePhone(officer: String): ZhifaStore {
        val dir = tempDir("zhifa-jvm-phone")
        val store = ZhifaStore.open(config(dir))
        store.catalogue().applyBundle(bundle)
        issueCredential(store, officer)
        return store
    }

    /**
     * `officer`'s duty credential for this store's device key, by the server's admin command:
     * for `items` (a shift's), or every item the officer is authorised for when empty.
     */
    suspend fun issueCredential(store: ZhifaStore, officer: String, items: List<String> = emptyList()): DutyCredentialInfo {
        val credential = File(tempDir("zhifa-jvm-credential"), "credential.cose")
        val key = store.devicePublicKey().joinToString("") { "%02x".format(it) }
        run(serverBin, "issue-credential", "--officer", officer, "--device-key", key, "--items", items.joinToString(","), "--out", credential.path)
        return store.codes().installCredential(credential.readBytes())
    }
}

/** `zhifa-sync-server serve --demo` on a free loopback port, in its own data directory. */
class TestServer : AutoCloseable {
    val data: File = Fixtures.tempDir("zhifa-jvm-server")
    private val port = ServerSocket(0).use { it.localPort }
    val url = "http://127.0.0.1:$port"
    private val process: Process = ProcessBuilder(
        Fixtures.serverBin, "serve", "--demo", "--data-dir", data.path, "--listen", "127.0.0.1:$port",
    ).redirectErrorStream(true).redirectOutput(File(data, "server.log")).start()

    init {
        val started = System.currentTimeMillis()
        while (runCatching { Socket("127.0.0.1", port).close() }.isFailure) {
            check(process.isAlive) { "the server exited: " + File(data, "server.log").readText() }
            check(System.currentTimeMillis() - started < 30_000) { "the server did not start" }
            Thread.sleep(50)
        }
    }

    /** The demo server's own catalogue authority. */
    val authority: ByteArray get() = File(data, "authority.key.pub.der").readBytes()

    fun enrolmentCode(officer: String): String =
        Fixtures.run(Fixtures.serverBin, "enrol-device", "--data-dir", data.path, "--officer", officer).trim()

    /** An enterprise code this server's agency key signed, as the premises' card shows it. */
    fun enterpriseCode(creditCode: String): String {
        val out = File(data, "enterprise-$creditCode.eq")
        Fixtures.run(Fixtures.serverBin, "issue-enterprise-code", "--data-dir", data.path, "--credit-code", creditCode, "--out", out.path)
        return out.readText().trim()
    }

    /** A new store, not enrolled, trusting this server's catalogue. */
    suspend fun newStore(): ZhifaStore = ZhifaStore.open(Fixtures.config(Fixtures.tempDir("zhifa-jvm-phone"), authority))

    /** A new store enrolled as `officer`'s device. */
    suspend fun phone(officer: String): ZhifaStore {
        val store = newStore()
        store.sync().enrol(url, enrolmentCode(officer), "JVM phone")
        return store
    }

    override fun close() {
        process.destroy()
        process.waitFor()
    }
}

/** The demo officers (渝中区: two of the same team share cases). */
object Officers {
    const val A = "渝50010320001"
    const val B = "渝50010320002"
}

/** The exception `block` throws, which must be a `T`. */
suspend inline fun <reified T : Throwable> thrown(block: suspend () -> Unit): T {
    try {
        block()
    } catch (e: Throwable) {
        if (e is T) return e
        throw AssertionError("expected ${T::class.simpleName}, got $e", e)
    }
    throw AssertionError("expected ${T::class.simpleName}, nothing was thrown")
}
