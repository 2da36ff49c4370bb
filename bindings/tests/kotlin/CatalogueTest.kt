// The catalogue through the real cdylib and the generated Kotlin bindings on the JVM (JNA).
// Run with the Android shell's JVM tests by android-shell/run-jvm-tests.
package cn.zhifa.bindings

import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.ZhifaStore
import cn.zhifa.sdk.core.SearchHitKind
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.thrown
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CatalogueTest {
    private suspend fun open(jurisdiction: List<String>): ZhifaStore =
        ZhifaStore.open(Fixtures.config(Fixtures.tempDir("zhifa-kotlin"), jurisdiction = jurisdiction))

    @Test
    fun `applies a bundle and searches it`() = runBlocking {
        val store = open(listOf("500103"))
        val report = store.catalogue().applyBundle(Fixtures.bundle)
        assertTrue(report.full, "a first bundle is full")
        assertEquals(report.version.toLong(), store.catalogue().version(), "version recorded")
        val hits = store.catalogue().search("露天烧烤", 5)
        assertTrue(hits.first().kind == SearchHitKind.ITEM && hits.first().key == "YZ-CG-001", "barbecue item first: $hits")
        assertTrue(store.catalogue().search("无证", 5).any { it.key == "YZ-SC-019" }, "two-character query")
        assertEquals("周强", store.catalogue().officer("渝50010320021")?.name, "officer lookup")
    }

    @Test
    fun `refuses a tampered bundle, with the officer's text`() = runBlocking {
        val store = open(listOf("500103"))
        val tampered = Fixtures.bundle.copyOf()
        val needle = "渝中".toByteArray()
        val at = (0..tampered.size - needle.size).first { i -> needle.indices.all { tampered[i + it] == needle[it] } }
        "渝北".toByteArray().copyInto(tampered, at)
        val e = thrown<ZhifaException.BundleRejected> { store.catalogue().applyBundle(tampered) }
        assertTrue(e.message!!.contains("签名"), "Chinese message: ${e.message}")
        assertEquals(0L, store.catalogue().version(), "nothing applied")
    }

    @Test
    fun `refuses another district's bundle`() = runBlocking {
        val store = open(listOf("500112"))
        val e = thrown<ZhifaException.BundleRejected> { store.catalogue().applyBundle(Fixtures.bundle) }
        assertTrue(e.message!!.isNotBlank())
        assertEquals(0L, store.catalogue().version())
    }
}
