// A summary case through the generated Kotlin bindings on the JVM, as the Android shell will
// drive it: open, fill, get the lawful band, decide on the spot, render the decision.

import java.io.File
import java.nio.file.Files
import java.time.LocalDate
import java.time.ZoneId
import uniffi.zhifa_core.CaseEdit
import uniffi.zhifa_core.CaseKind
import uniffi.zhifa_core.CaseOfficer
import uniffi.zhifa_core.CaseStatus
import uniffi.zhifa_core.DocumentKind
import uniffi.zhifa_core.Fact
import uniffi.zhifa_core.Party
import uniffi.zhifa_core.PartyKind
import uniffi.zhifa_core.RefusalKind
import uniffi.zhifa_core.Step
import uniffi.zhifa_ffi.StoreConfig
import uniffi.zhifa_ffi.ZhifaException
import uniffi.zhifa_ffi.ZhifaStore

// A phone holding the demo catalogue and `officer`'s duty credential, issued by the server's
// admin command: every procedure step is taken by the device's credentialed officer.
private fun phone(officer: String): ZhifaStore {
    val dir = Files.createTempDirectory("zhifa-kotlin-case").toFile()
    dir.deleteOnExit()
    val authority = File(System.getenv("ZHIFA_TEST_AUTHORITY")).readBytes()
    val store = ZhifaStore.open(StoreConfig(dir.path, listOf("500103"), listOf(authority), "zhifa-test", true))
    store.catalogue().applyBundle(File(System.getenv("ZHIFA_TEST_BUNDLE")).readBytes())
    val credential = File(dir, "credential.cose")
    val key = store.devicePublicKey().joinToString("") { "%02x".format(it) }
    val issued = ProcessBuilder(
        System.getenv("ZHIFA_SERVER_BIN"), "issue-credential", "--officer", officer,
        "--device-key", key, "--out", credential.path,
    ).redirectErrorStream(true).start()
    require(issued.waitFor() == 0, "issue-credential: " + issued.inputStream.bufferedReader().readText())
    store.codes().installCredential(credential.readBytes())
    return store
}

private fun require(condition: Boolean, what: String) {
    if (!condition) throw AssertionError(what)
}

fun summaryCaseOnTheSpot() {
    val by = "渝50010320021"
    val p = phone(by)
    val today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString() // the core counts dates in Beijing
    val case = p.cases().create(CaseKind.SUMMARY, "GF-111-C", "500103", today, today)
    val officers = listOf(
        CaseEdit.AddOfficer(CaseOfficer(by, "周强", true, false)),
        CaseEdit.AddOfficer(CaseOfficer("渝50010320022", "吴敏", true, false)),
    )
    val party = CaseEdit.AddParty(Party(PartyKind.PERSON, "张某", null, "500103199001011234", "重庆市渝中区", null))
    val facts = listOf(
        Fact.Flag("criminal_referral", false), Fact.Flag("no_fault_proven", false),
        Fact.Flag("minor_act", false), Fact.Flag("removed_harm", false),
        Fact.Flag("coerced", false), Fact.Flag("confessed", false),
        Fact.Flag("meritorious", false), Fact.Number("age", 40L),
        Fact.Choice("capacity", "full"), Fact.Choice("correction", "pending"),
        Fact.Number("priors_12m", 0L),
    ).map { CaseEdit.SetFact(it) }

    p.cases().edit(case.id, listOf(officers[0], party, CaseEdit.AppendFindings("当事人随意倾倒生活垃圾。")) + facts)
    p.cases().choosePenalty(case.id, 150L, null)
    try {
        p.cases().step(case.id, Step.DecideOnSpot)
        throw AssertionError("one officer may not decide")
    } catch (e: ZhifaException.StepRefused) {
        require(e.refusal.kind == RefusalKind.TWO_OFFICERS_REQUIRED, "refusal ${e.refusal.kind}")
        require(e.userMessage.contains("第四十二条"), e.userMessage)
    }
    p.cases().edit(case.id, listOf(officers[1]))
    val band = p.cases().suggest(case.id).outcome?.fine
    require(band?.min == 100L && band.max == 200L, "band $band")
    val decided = p.cases().step(case.id, Step.DecideOnSpot)
    require(decided.status == CaseStatus.DECIDED, "status ${decided.status}")
    require(decided.services.single().servedBy == by, "handed over by the acting officer")
    require(p.cases().history(case.id).first().credentialNo == by, "authored by the acting officer")
    val html = p.cases().renderDocument(case.id, DocumentKind.SUMMARY_DECISION)
    require(html.contains("当场行政处罚决定书") && html.contains("罚款人民币150元"), "decision document")
}

object CaseTest {
    val tests = listOf("summaryCaseOnTheSpot" to ::summaryCaseOnTheSpot)
}
