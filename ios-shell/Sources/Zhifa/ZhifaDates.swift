// The conversions the generated ZhifaCore.swift calls for the core's custom types (see the
// `[bindings.swift.custom_types]` of core/uniffi.toml): a calendar date (`NaiveDate`, the
// core's `YYYY-MM-DD`) is `DateComponents` with year, month and day in the Gregorian
// calendar; an instant (`UtcTime`, RFC 3339 in UTC) is `Foundation.Date`.
//
// The core only ever sends well-formed values, so a malformed one is a bug and stops here
// rather than becoming a wrong date. A `DateComponents` the app builds without a year, month
// or day lowers to a text the core refuses.
import Foundation

private let gregorianUTC: Calendar = {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    return calendar
}()

/// `2026-12-01` → year 2026, month 12, day 1 (Gregorian; no time, no zone).
public func zhifaDateComponents(fromISODate text: String) -> DateComponents {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
        let day = Int(parts[2])
    else {
        preconditionFailure("zhifa-core sent a malformed date: \(text)")
    }
    return DateComponents(calendar: Calendar(identifier: .gregorian), year: year, month: month, day: day)
}

/// Year, month and day → `2026-12-01`, as the core reads a date.
public func zhifaISODate(from components: DateComponents) -> String {
    String(format: "%04d-%02d-%02d", components.year ?? 0, components.month ?? 0, components.day ?? 0)
}

/// RFC 3339 (`2026-12-01T08:30:00.123456789+00:00` or `…Z`) → the instant. Fractions beyond
/// what `Date` keeps are rounded.
public func zhifaDate(fromRFC3339 text: String) -> Date {
    guard let date = parseRFC3339(text) else {
        preconditionFailure("zhifa-core sent a malformed instant: \(text)")
    }
    return date
}

/// The instant in UTC with milliseconds, `2026-12-01T08:30:00.123Z`.
public func zhifaRFC3339(from date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
}

private func parseRFC3339(_ text: String) -> Date? {
    let c = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int? {
        guard range.upperBound <= c.count else { return nil }
        return Int(String(decoding: c[range], as: UTF8.self))
    }
    guard c.count >= 20, let year = number(0..<4), let month = number(5..<7),
        let day = number(8..<10), let hour = number(11..<13), let minute = number(14..<16),
        let second = number(17..<19)
    else { return nil }
    var i = 19
    var fraction = 0.0
    if i < c.count, c[i] == UInt8(ascii: ".") {
        let start = i + 1
        i = start
        while i < c.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c[i]) { i += 1 }
        fraction = Double("0." + String(decoding: c[start..<i], as: UTF8.self)) ?? 0
    }
    let zone = Array(c[i...])
    var offset = 0
    if zone == [UInt8(ascii: "Z")] || zone == [UInt8(ascii: "z")] {
        offset = 0
    } else if zone.count == 6, let h = number(i + 1..<i + 3), let m = number(i + 4..<i + 6) {
        offset = (h * 3600 + m * 60) * (zone[0] == UInt8(ascii: "-") ? -1 : 1)
    } else {
        return nil
    }
    let wall = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
    guard let base = gregorianUTC.date(from: wall) else { return nil }
    return base.addingTimeInterval(fraction - Double(offset))
}
