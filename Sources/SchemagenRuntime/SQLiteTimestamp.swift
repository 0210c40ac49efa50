import Foundation

/// Hand-written (no `DateFormatter`) conversion between seconds since 1970 and SQLite's
/// `datetime()` text format, always UTC. Uses Howard Hinnant's days-from-civil algorithms.
public enum SQLiteTimestamp {
    /// Longest text `format` can produce.
    public static let maxLength = 40

    /// `YYYY-MM-DD HH:MM:SS`, plus `.SSS` when the milliseconds (rounded) are non-zero.
    /// Returns nil for non-finite dates or years outside -9999...9999.
    public static func string(from date: Date) -> String? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { buffer -> String? in
            guard let count = format(seconds: date.timeIntervalSince1970, into: buffer) else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<count]), as: UTF8.self)
        }
    }

    /// Parses `YYYY-MM-DD[( |T)HH:MM[:SS[.fff…]]][Z|±HH:MM]`; nil when malformed.
    public static func date(from text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse($0) }.map { Date(timeIntervalSince1970: $0) }
    }

    /// The date exactly as a TEXT timestamp column returns it after storing `date`: formatted
    /// (milliseconds, rounded) and parsed back. `date` itself when it cannot be formatted (binding
    /// such a date fails anyway). Lets an INSERT return the stored row without `RETURNING`.
    public static func stored(_ date: Date) -> Date {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: maxLength) { buffer -> Date in
            guard let count = format(seconds: date.timeIntervalSince1970, into: buffer),
                  let seconds = parse(UnsafeBufferPointer(rebasing: buffer[0..<count]))
            else { return date }
            return Date(timeIntervalSince1970: seconds)
        }
    }

    /// `stored(_:)` for an optional date.
    public static func stored(_ date: Date?) -> Date? {
        date.map { stored($0) }
    }

    /// The date exactly as a REAL seconds-since-1970 (`epoch`) column returns it; nil for NaN (stored as NULL).
    public static func storedEpoch(_ date: Date?) -> Date? {
        guard let date, !date.timeIntervalSince1970.isNaN else { return nil }
        return Date(timeIntervalSince1970: date.timeIntervalSince1970)
    }

    /// `storedEpoch(_:)` for a non-optional date.
    public static func storedEpoch(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970)
    }

    // MARK: Calendar arithmetic

    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date with a year in 0...9999 (both parsers
    /// read exactly four digits) and a month in 1...12: the year is shifted by one 400-year era so
    /// the era is a plain division (no floor for the year before 0001), in wrapping arithmetic
    /// (nothing in that range can overflow). Checked against the formatter's `civilFromDays` and
    /// SQLite on every year (`RoundTripTests.fixedFormFastPathAgreesWithTheGeneralParserOnEveryYear`).
    @inline(__always)
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = UInt64(truncatingIfNeeded: (month <= 2 ? year &- 1 : year) &+ 400)
        let era = y / 400
        let yoe = y &- era &* 400
        let mp = UInt64(truncatingIfNeeded: month > 2 ? month &- 3 : month &+ 9)
        let doy = (153 &* mp &+ 2) / 5 &+ UInt64(truncatingIfNeeded: day) &- 1
        let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
        return Int64(truncatingIfNeeded: era &* 146_097 &+ doe) &- 146_097 &- 719_468
    }

    static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // MARK: Formatting

    /// Writes the timestamp into `buffer` (capacity >= maxLength); returns the byte count.
    static func format(seconds: Double, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        // ±9999 years is ~3.2e11 s; reject anything outside before converting to Int64.
        guard seconds.isFinite, abs(seconds) < 3.2e11, buffer.count >= maxLength else { return nil }
        let totalMillis = Int64((seconds * 1000).rounded())
        let days = floorDiv(totalMillis, 86_400_000)
        let msOfDay = totalMillis - days * 86_400_000
        let (year, month, day) = civilFromDays(days)
        guard year >= -9999, year <= 9999 else { return nil }
        var n = 0
        @inline(__always) func put(_ byte: UInt8) { buffer[n] = byte; n += 1 }
        @inline(__always) func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                put(UInt8(truncatingIfNeeded: 48 + v / divisor))
                v %= divisor
                divisor /= 10
            }
        }
        if year < 0 { put(UInt8(ascii: "-")) }
        digits(abs(year), 4); put(UInt8(ascii: "-"))
        digits(month, 2); put(UInt8(ascii: "-"))
        digits(day, 2); put(UInt8(ascii: " "))
        let secOfDay = msOfDay / 1000
        digits(secOfDay / 3600, 2); put(UInt8(ascii: ":"))
        digits(secOfDay / 60 % 60, 2); put(UInt8(ascii: ":"))
        digits(secOfDay % 60, 2)
        let ms = msOfDay % 1000
        if ms != 0 {
            put(UInt8(ascii: "."))
            digits(ms, 3)
        }
        return n
    }

    // MARK: Parsing

    /// Parses UTF-8 bytes; returns seconds since 1970, or nil when malformed.
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        // The form the runtime writes without a fraction and SQLite's `datetime('now')` returns,
        // `YYYY-MM-DD HH:MM:SS`, in straight-line code; everything else takes the general path.
        if s.count == 19, let fixed = parseFixed(s) { return fixed }
        return parseGeneral(s)
    }

    /// Exactly `YYYY-MM-DD HH:MM:SS` (19 bytes); nil for anything else (the general parser decides).
    @inline(__always)
    static func parseFixed(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let b = s.baseAddress, b[4] == 45, b[7] == 45, b[10] == 32, b[13] == 58, b[16] == 58 else { return nil }
        @inline(__always) func d(_ k: Int) -> Int64 { Int64(b[k]) &- 48 }
        @inline(__always) func two(_ k: Int) -> Int64 { d(k) &* 10 &+ d(k + 1) }
        // Every digit position must hold 0...9 (an unsigned comparison catches bytes below '0' too).
        @inline(__always) func notDigit(_ k: Int) -> Bool { b[k] &- 48 > 9 }
        if notDigit(0) || notDigit(1) || notDigit(2) || notDigit(3) || notDigit(5) || notDigit(6) || notDigit(8)
            || notDigit(9) || notDigit(11) || notDigit(12) || notDigit(14) || notDigit(15) || notDigit(17) || notDigit(18) {
            return nil
        }
        let year = two(0) &* 100 &+ two(2), month = two(5), day = two(8)
        let hour = two(11), minute = two(14), second = two(17)
        guard month >= 1, month <= 12, day >= 1, day <= 28 || day <= daysInMonth(year: year, month: month),
              hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days &* 86_400 &+ hour &* 3600 &+ minute &* 60 &+ second)
    }

    static func parseGeneral(_ s: UnsafeBufferPointer<UInt8>) -> Double? {
        var p = 0
        let n = s.count
        @inline(__always) func number(_ width: Int) -> Int64? {
            guard p + width <= n else { return nil }
            var v: Int64 = 0
            for k in 0..<width {
                let c = s[p + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            p += width
            return v
        }
        @inline(__always) func expect(_ c: UInt8) -> Bool {
            guard p < n, s[p] == c else { return false }
            p += 1
            return true
        }
        // Skip leading/trailing spaces like SQLite does.
        var end = n
        while p < end, s[p] == 32 { p += 1 }
        while end > p, s[end - 1] == 32 { end -= 1 }
        guard let year = number(4), expect(UInt8(ascii: "-")),
              let month = number(2), expect(UInt8(ascii: "-")),
              let day = number(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month) else { return nil }
        var secondsOfDay: Int64 = 0
        var fraction = 0.0
        var offsetSeconds: Int64 = 0
        if p < end {
            guard s[p] == 32 || s[p] == UInt8(ascii: "T") else { return nil }
            p += 1
            guard let hour = number(2), expect(UInt8(ascii: ":")), let minute = number(2),
                  hour < 24, minute < 60
            else { return nil }
            var second: Int64 = 0
            if p < end, s[p] == UInt8(ascii: ":") {
                p += 1
                guard let sec = number(2), sec < 60 else { return nil }
                second = sec
                if p < end, s[p] == UInt8(ascii: ".") {
                    p += 1
                    var digitsSeen = 0
                    var value: Int64 = 0
                    var scale: Int64 = 1
                    while p < end, s[p] >= 48, s[p] <= 57 {
                        if digitsSeen < 9 {
                            value = value * 10 + Int64(s[p] - 48)
                            scale *= 10
                        }
                        digitsSeen += 1
                        p += 1
                    }
                    guard digitsSeen > 0 else { return nil }
                    fraction = Double(value) / Double(scale)
                }
            }
            secondsOfDay = hour * 3600 + minute * 60 + second
            if p < end {
                let c = s[p]
                if c == UInt8(ascii: "Z") {
                    p += 1
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    p += 1
                    guard let oh = number(2), expect(UInt8(ascii: ":")), let om = number(2),
                          oh < 24, om < 60
                    else { return nil }
                    // "+05:00" means local = UTC + 5h, so UTC = local - offset.
                    offsetSeconds = (c == UInt8(ascii: "+") ? 1 : -1) * (oh * 3600 + om * 60)
                }
            }
        }
        guard p == end else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86_400 + secondsOfDay - offsetSeconds) + fraction
    }
}
