// What the officer reads on the app's own screens, in zh-CN, and how times and amounts are
// written. Texts that come from the core (errors, refusals, explanations) are shown as they
// arrive; these are only the app's labels around them. Times are Beijing time.
package cn.zhifa.app.model

import java.time.Instant
import java.time.ZoneId
import java.time.format.DateTimeFormatter

object Texts {
    val BEIJING: ZoneId = ZoneId.of("Asia/Shanghai")
    private val minute = DateTimeFormatter.ofPattern("yyyy年M月d日 HH:mm").withZone(BEIJING)
    private val second = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(BEIJING)

    fun beijingMinute(at: Instant): String = minute.format(at)
    fun beijingClock(at: Instant): String = second.format(at)
    fun yuan(amount: Long): String = "${amount}元"
    fun fineBand(min: Long, max: Long): String =
        if (min == max) "罚款${yuan(min)}" else "罚款${yuan(min)}至${yuan(max)}"

    // Enrolment
    const val ENROL_NEED_SERVER = "请填写服务器地址"
    const val ENROL_BAD_SERVER = "服务器地址应以 https:// 或 http:// 开头"
    const val ENROL_NEED_CODE = "请填写管理员给出的登记码"
    const val ENROL_BUSY = "正在登记…"
    fun enrolled(subject: String, team: String) = "已登记：$subject（$team）"

    // My code
    const val CODE_WAITING = "正在生成执法码…"
    fun codeRefreshIn(seconds: Long) = "${seconds}秒后刷新"
    fun credentialLine(name: String, credentialNo: String, until: Instant) =
        "$name　执法证号 $credentialNo　有效至 ${beijingMinute(until)}"
    fun credentialItems(names: List<String>) = "执法事项：${names.joinToString("、")}"
    fun credentialAllItems(count: Int?) = if (count == null) "执法事项：全部授权事项" else "执法事项：全部授权事项（${count}项）"
    /** No credential held, or it expired: a sync brings (or renews) it. */
    const val NO_CREDENTIAL = "本机没有有效的执法证电子凭证，请先同步以取得"

    // Scan
    const val SCAN_PROMPT = "请对准企业码扫描"
    const val CAMERA_NEEDED = "扫码需要使用相机，请在系统设置中允许"
    fun visitOpened(name: String) = "已开始检查：$name"

    // Inspections
    const val NO_INSPECTIONS = "暂无检查任务，同步后领取"
    fun nonCompliantCount(n: Int) = "不符合 $n 项"
    const val INSPECTION_CONFLICT = "两名执法人员的记录不一致，请核对"
    fun updatedAt(at: Instant) = "更新于 ${beijingMinute(at)}"
    const val BACK_TO_INSPECTIONS = "返回检查列表"

    // Checklist
    const val RESULT_COMPLIANT = "符合"
    const val RESULT_NON_COMPLIANT = "不符合"
    const val RESULT_NOT_APPLICABLE = "不适用"
    const val RESULT_UNCHECKED = "未检查"
    fun checkedCount(done: Int, total: Int) = "已检查 $done/$total 项"
    const val NOTE_REQUIRED = "不符合的检查项请填写情况说明"

    // Case form
    const val SUGGESTION_NEEDS_FACTS = "还需回答以下问题，才能给出裁量建议："
    const val NO_PENALTY = "依法不予行政处罚"
    const val WARNING = "警告"
    fun fineOutsideBand(band: String) = "所选罚款超出建议幅度（$band），须填写理由"
    const val NOT_A_NUMBER = "请填写整数"
    const val YES = "是"
    const val NO = "否"
    fun quantity(value: Long, unit: String) = "$value$unit"
    fun numberAtLeast(min: Long, unit: String) = "请填写不小于${quantity(min, unit)}的整数"
    const val NOT_AN_ALLOWED_VALUE = "请从给出的选项中选择"

    // Documents
    fun printJobName(title: String, caseNumber: String?) = if (caseNumber == null) title else "$title（$caseNumber）"

    // Sync
    const val SYNC_NEVER = "尚未同步"
    fun syncLast(at: Instant) = "上次同步：${beijingMinute(at)}"
    const val SYNC_WAIT_NETWORK = "无网络，联网后自动同步"
    const val SYNC_NEEDS_ENROLMENT = "服务器不接受本设备，请重新登记"
    const val SYNC_ALREADY_RUNNING = "正在同步，请稍候"
    fun syncRetryAt(at: Instant) = "将于 ${beijingClock(at)} 重试"
    fun syncPhase(phase: String, done: Int, total: Int) =
        if (total > 0) "正在同步$phase（$done/$total）" else "正在同步$phase"
    fun syncPending(events: Long) = if (events == 0L) "没有待上传的记录" else "待上传记录 $events 条"
    fun syncDone(docs: Int, events: Int) = "同步完成：文书 $docs 份，记录 $events 条"
}
