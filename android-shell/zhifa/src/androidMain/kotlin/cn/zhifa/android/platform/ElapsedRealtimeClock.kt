// Monotonic time for the core's trusted clock: milliseconds since boot, which keep counting
// while the app is dead, and the boot count, which changes when that origin does.
package cn.zhifa.android.platform

import android.content.ContentResolver
import android.os.SystemClock
import android.provider.Settings
import cn.zhifa.sdk.PlatformClock

class ElapsedRealtimeClock(private val resolver: ContentResolver) : PlatformClock {
    override fun elapsedMillis(): Long = SystemClock.elapsedRealtime()

    override fun originId(): String =
        "boot-" + Settings.Global.getInt(resolver, Settings.Global.BOOT_COUNT, -1)
}
