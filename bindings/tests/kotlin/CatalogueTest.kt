// The catalogue through the real cdylib and the generated Kotlin bindings on the JVM (JNA),
// as the Android shell will use them. Run by scripts/test.

import java.io.File
import java.nio.file.Files
import uniffi.zhifa_core.SearchHitKind
import uniffi.zhifa_ffi.BundleRejection
import uniffi.zhifa_ffi.StoreConfig
import uniffi.zhifa_ffi.ZhifaException
import uniffi.zhifa_ffi.ZhifaStore

private val bundle = File(System.getenv("ZHIFA_TEST_BUNDLE")).readBytes()
private val authority = File(System.getenv("ZHIFA_TEST_AUTHORITY")).readBytes()

private fun open(jurisdiction: List<String>): ZhifaStore {
    val dir = Files.createTempDirectory("zhifa-kotlin").toFile()
    dir.deleteOnExit()
    return ZhifaStore.open(StoreConfig(dir.path, jurisdiction, listOf(authority), "zhifa-test", true))
}

private fun check(condition: Boolean, what: String) {
    if (!condition) throw AssertionError(what)
}

fun appliesAndSearches() {
    val store = open(listOf("500103"))
    val report = store.catalogue().applyBundle(bundle)
    check(report.full, "a first bundle is full")
    check(store.catalogue().version() == report.version, "version recorded")
    val hits = store.catalogue().search("露天烧烤", 5u)
    check(hits.first().kind == SearchHitKind.ITEM && hits.first().key == "YZ-CG-001", "barbecue item first: $hits")
    check(store.catalogue().search("无证", 5u).any { it.key == "YZ-SC-019" }, "two-character query")
    check(store.catalogue().officer("渝50010320021")?.name == "周强", "officer lookup")
}

fun refusesATamperedBundle() {
    val store = open(listOf("500103"))
    val tampered = bundle.copyOf()
    val needle = "渝中".toByteArray()
    val at = (0..tampered.size - needle.size).first { i -> needle.indices.all { tampered[i + it] == needle[it] } }
    "渝北".toByteArray().copyInto(tampered, at)
    try {
        store.catalogue().applyBundle(tampered)
        throw AssertionError("a tampered bundle must be refused")
    } catch (e: ZhifaException.BundleRejected) {
        check(e.reason == BundleRejection.FORGED, "reason is FORGED, got ${e.reason}")
        check(e.userMessage.contains("签名"), "Chinese message: ${e.userMessage}")
    }
    check(store.catalogue().version() == 0uL, "nothing applied")
}

fun refusesAnotherDistrictsBundle() {
    val store = open(listOf("500112"))
    try {
        store.catalogue().applyBundle(bundle)
        throw AssertionError("a bundle for another district must be refused")
    } catch (e: ZhifaException.BundleRejected) {
        check(e.reason == BundleRejection.WRONG_SCOPE, "reason is WRONG_SCOPE, got ${e.reason}")
    }
}

fun main() {
    val tests = listOf(
        "appliesAndSearches" to ::appliesAndSearches,
        "refusesATamperedBundle" to ::refusesATamperedBundle,
        "refusesAnotherDistrictsBundle" to ::refusesAnotherDistrictsBundle,
    ) + CaseTest.tests + SyncTest.tests
    var failed = 0
    for ((name, test) in tests) {
        try {
            test()
            println("test kotlin::$name ... ok")
        } catch (e: Throwable) {
            failed++
            println("test kotlin::$name ... FAILED: $e")
        }
    }
    println("kotlin: ${tests.size - failed} passed, $failed failed")
    if (failed > 0) kotlin.system.exitProcess(1)
}
