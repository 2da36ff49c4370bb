// A summary case through the generated Kotlin bindings on the JVM, as the Android shell
// drives it: open, fill, get the lawful band, decide on the spot, render the decision.
package cn.zhifa.bindings

import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.core.CaseEdit
import cn.zhifa.sdk.core.CaseKind
import cn.zhifa.sdk.core.CaseOfficer
import cn.zhifa.sdk.core.CaseStatus
import cn.zhifa.sdk.core.DocumentKind
import cn.zhifa.sdk.core.Fact
import cn.zhifa.sdk.core.Party
import cn.zhifa.sdk.core.PartyKind
import cn.zhifa.sdk.core.Step
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.thrown
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class CaseTest {
    @Test
    fun `a summary case decided on the spot`() = runBlocking {
        // Every procedure step is taken by the device's credentialed officer.
        val by = "渝50010320021"
        val p = Fixtures.offlinePhone(by)
        val today = Fixtures.today()
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
        val refused = thrown<ZhifaException.StepRefused> { p.cases().step(case.id, Step.DecideOnSpot) }
        assertTrue(refused.message!!.contains("第四十二条"), "one officer may not decide: ${refused.message}")
        p.cases().edit(case.id, listOf(officers[1]))
        val band = p.cases().suggest(case.id).outcome?.fine
        assertTrue(band?.min == 100L && band.max == 200L, "band $band")
        val decided = p.cases().step(case.id, Step.DecideOnSpot)
        assertEquals(CaseStatus.DECIDED, decided.status)
        assertEquals(by, decided.services.single().servedBy, "handed over by the acting officer")
        assertEquals(by, p.cases().history(case.id).first().credentialNo, "authored by the acting officer")
        val html = p.cases().renderDocument(case.id, DocumentKind.SUMMARY_DECISION)
        assertTrue(html.contains("当场行政处罚决定书") && html.contains("罚款人民币150元"), "decision document")
    }
}
