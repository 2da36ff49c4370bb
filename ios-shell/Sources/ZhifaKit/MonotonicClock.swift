// The monotonic clock the core's trusted time counts from between syncs: the time since boot
// that keeps running while the phone sleeps (Darwin's CLOCK_MONOTONIC_RAW, unlike
// CLOCK_UPTIME_RAW), and the boot session as its origin, so an app restart keeps the anchor
// and a reboot (which restarts the count) tells the core to distrust it until the next sync.
import Darwin
import Foundation

public final class MonotonicClock: PlatformClock {
    private let origin: String

    public init() { origin = Self.bootSession() }

    public func elapsedMillis() -> Int64 {
        Int64(clock_gettime_nsec_np(CLOCK_MONOTONIC_RAW) / 1_000_000)
    }

    public func originId() -> String { origin }

    /// The kernel's id of this boot (`kern.bootsessionuuid`), or failing that the boot time
    /// in seconds (`kern.boottime`), which also changes at each boot.
    private static func bootSession() -> String {
        var size = 0
        if sysctlbyname("kern.bootsessionuuid", nil, &size, nil, 0) == 0, size > 1 {
            var bytes = [CChar](repeating: 0, count: size)
            if sysctlbyname("kern.bootsessionuuid", &bytes, &size, nil, 0) == 0 {
                return "boot:" + String(cString: bytes)
            }
        }
        var boot = timeval()
        size = MemoryLayout<timeval>.size
        sysctlbyname("kern.boottime", &boot, &size, nil, 0)
        return "boottime:\(boot.tv_sec)"
    }
}
