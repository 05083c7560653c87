import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// A moment given with `--at`: unix seconds (`1700000000`, `1700000000.5`), or ISO 8601 with a zone
/// (`2026-11-29T13:00:00Z`, `2026-11-29T13:00:00.5+01:00`). Both forms take a fraction of a second, which
/// is dropped: a code belongs to a whole second. Times before 1970 and after 9999 are refused.
struct Moment: ExpressibleByArgument {
    let seconds: UInt64

    /// The last second of 9999 (later times are typos, and dates stop being ISO 8601's four digits).
    static let latest: Int = 253_402_300_799

    init(seconds: UInt64) { self.seconds = seconds }

    init?(argument: String) {
        guard let moment = try? Moment.parse(argument) else { return nil }
        self = moment
    }

    /// The `--at` transform: a moment, or a usage error saying what is wrong with TIME.
    @Sendable static func parse(_ text: String) throws -> Moment {
        guard let seconds = unixSeconds(text) ?? parseISO8601Signed(text) else {
            throw ValidationError("'\(text)' is not a time: give unix seconds (1700000000, 1700000000.5) or ISO 8601 with a zone (2026-11-29T13:00:00Z)")
        }
        guard seconds >= 0 else { throw ValidationError("'\(text)' is before 1970: authv computes codes from 1970-01-01T00:00:00Z on") }
        guard seconds <= latest else { throw ValidationError("'\(text)' is after the year 9999") }
        return Moment(seconds: UInt64(seconds))
    }

    /// `[-]DIGITS[.DIGITS]` as whole seconds, the fraction dropped (rounded towards the past; numbers
    /// too long to hold are clamped, to be refused as out of range); nil when it is not that form.
    static func unixSeconds(_ text: String) -> Int? {
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        var body = Substring(text)
        let negative = body.hasPrefix("-")
        if negative { body = body.dropFirst() }
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.allSatisfy(isDigit),
              parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy(isDigit)) else { return nil }
        guard whole.count <= 18, let value = Int(whole) else { return negative ? Int.min : Int.max }
        let fraction = parts.count > 1 && parts[1].contains { $0 != "0" }
        return negative ? -value - (fraction ? 1 : 0) : value
    }

    static var defaultValueDescription: String { "now" }

    /// Now, from the system clock.
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return UInt64(max(0, spec.tv_sec))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM|+HHMM)`; nil for anything else or before 1970.
    static func parseISO8601(_ text: String) -> UInt64? {
        guard let seconds = parseISO8601Signed(text), seconds >= 0 else { return nil }
        return UInt64(seconds)
    }

    /// The same, as signed seconds (negative before 1970); nil for anything that is not that form.
    static func parseISO8601Signed(_ text: String) -> Int? {
        let chars = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= chars.count else { return nil }
            var value = 0
            for c in chars[i..<i + width] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
            }
            i += width
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard i < chars.count, chars[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              i < chars.count, chars[i] == UInt8(ascii: "T") || chars[i] == UInt8(ascii: "t") || chars[i] == UInt8(ascii: " ")
        else { return nil }
        i += 1
        guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2) else { return nil }
        if i < chars.count, chars[i] == UInt8(ascii: ".") || chars[i] == UInt8(ascii: ",") {
            i += 1
            let start = i
            while i < chars.count, chars[i] >= 48, chars[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        var offset = 0
        guard i < chars.count else { return nil }  // a zone is required
        if chars[i] == UInt8(ascii: "Z") || chars[i] == UInt8(ascii: "z") {
            i += 1
        } else if chars[i] == UInt8(ascii: "+") || chars[i] == UInt8(ascii: "-") {
            let sign = chars[i] == UInt8(ascii: "+") ? 1 : -1
            i += 1
            guard let hours = number(2) else { return nil }
            _ = expect(":")
            guard let minutes = number(2), hours <= 23, minutes <= 59 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        } else {
            return nil
        }
        guard i == chars.count, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// `--at TIME`, shared by the commands that compute codes.
struct TimeOptions: ParsableArguments {
    /// Parsed unconditionally, so that `--at -1` reaches the parser of times (and is refused as before
    /// 1970) instead of being taken for an option.
    @Option(name: .long, parsing: .unconditional,
            help: ArgumentHelp("Compute codes as at TIME: unix seconds or ISO 8601 with a zone (2026-11-29T13:00:00Z); a fraction of a second is dropped.", valueName: "TIME"),
            transform: Moment.parse)
    var at: Moment?

    var time: UInt64 { at?.seconds ?? Moment.now() }
}
