// The time an app waits, through Kotlin (coroutines, JNA, the generated bindings), for a
// penalty suggestion and for an enforcement-code verification at the door: median of N runs
// after a warm-up. run-jvm-tests runs it and prints the figures.
package cn.zhifa.bench

import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.core.Fact
import cn.zhifa.testing.Fixtures
import kotlinx.coroutines.runBlocking

private const val WARMUP = 20
private const val RUNS = 200

private suspend fun median(what: String, call: suspend () -> Unit) {
    repeat(WARMUP) { call() }
    val micros = (1..RUNS).map {
        val start = System.nanoTime()
        call()
        (System.nanoTime() - start) / 1_000.0
    }.sorted()
    val median = (micros[RUNS / 2 - 1] + micros[RUNS / 2]) / 2
    println("bench kotlin::%-34s median %8.1f µs  (p90 %8.1f µs, %d runs after %d warm-up)".format(
        what, median, micros[RUNS * 9 / 10], RUNS, WARMUP))
}

fun main() = runBlocking {
    val officer = Fixtures.offlinePhone("渝50010320021")
    val enterprise = Fixtures.offlinePhone("渝50010320022")
    val today = Fixtures.today()

    // The summary case of the field demo: 乱倒生活垃圾, every fact answered.
    val case = officer.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", today, today)
    val facts = listOf(
        Fact.Choice("party_type", "citizen"), Fact.Flag("first_offence", false), Fact.Choice("harm", "general"),
        Fact.Flag("criminal_referral", false), Fact.Flag("no_fault_proven", false),
        Fact.Flag("minor_act", false), Fact.Flag("removed_harm", false),
        Fact.Flag("coerced", false), Fact.Flag("confessed", false),
        Fact.Flag("meritorious", false), Fact.Number("age", 40L),
        Fact.Choice("capacity", "full"), Fact.Choice("correction", "pending"),
        Fact.Number("priors_12m", 0L),
    )
    check(officer.cases().preview(case.id, facts).outcome?.fine?.min == 100L) { "the suggestion is the 100–200 band" }
    median("suggestion (cases.preview)") { officer.cases().preview(case.id, facts) }

    // As the Rust bench does: the same code each time (the first accepted, then replays),
    // each a full check, a replay-cache lookup and a signed event in one transaction.
    val barbecue = "91500103MA5U1A0E5B"
    val code = officer.codes().enforcementCode(barbecue).payload
    check(enterprise.codes().verifyEnforcementCode(code, barbecue, "500103").officer != null) { "the code verifies" }
    median("verification (verifyEnforcementCode)") { enterprise.codes().verifyEnforcementCode(code, barbecue, "500103") }
}
