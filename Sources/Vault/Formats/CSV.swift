/// Comma-separated values as RFC 4180 defines them, for the CSV exports (Bitwarden, KeePassXC): records
/// end with CRLF or LF; a field may be quoted, and a quoted field may hold commas, line breaks and quotes
/// written twice (`""`). A pure function of the text: no file, no locale.
public enum CSV {
    /// More records than this is not an authenticator's export.
    public static let maxRecords = 200_000
    /// Fields in one record.
    public static let maxFields = 1_000
    /// Characters (Unicode scalars) in one field: a note with recovery codes is far shorter.
    public static let maxFieldLength = 256 << 10

    /// Why text is not CSV; `record` is 1-based (the header is record 1).
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// A quoted field that the text ends inside.
        case unterminatedQuote(record: Int)
        /// A character other than a comma or line break right after a closing quote.
        case textAfterQuote(record: Int)
        /// A quote inside an unquoted field.
        case quoteInField(record: Int)
        case tooLarge(String)

        public var description: String {
            switch self {
            case let .unterminatedQuote(record): return "record \(record): a quoted field is not closed (the file is cut short?)"
            case let .textAfterQuote(record): return "record \(record): text after a closing quote"
            case let .quoteInField(record): return "record \(record): a quote inside an unquoted field"
            case let .tooLarge(detail): return detail
            }
        }
    }

    /// The records of `text`, each a list of fields. A byte-order mark at the start is dropped; an empty
    /// last line is no record. Records may have different numbers of fields (callers check).
    public static func parse(_ text: String) throws(Problem) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = String.UnicodeScalarView()
        var fieldLength = 0
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }

        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil

        func endField() throws(Problem) {
            guard record.count < maxFields else { throw .tooLarge("record \(records.count + 1): more than \(maxFields) fields") }
            record.append(String(field))
            field = String.UnicodeScalarView()
            fieldLength = 0
        }
        func endRecord() throws(Problem) {
            try endField()
            guard records.count < maxRecords else { throw .tooLarge("more than \(maxRecords) records") }
            records.append(record)
            record = []
        }
        func append(_ scalar: Unicode.Scalar) throws(Problem) {
            fieldLength += 1
            guard fieldLength <= maxFieldLength else {
                throw .tooLarge("record \(records.count + 1): a field longer than \(maxFieldLength) characters")
            }
            field.append(scalar)
        }

        while let scalar = pending ?? iterator.next() {
            pending = nil
            switch state {
            case .fieldStart, .unquoted:
                switch scalar {
                case ",": try endField(); state = .fieldStart
                case "\r":
                    // CRLF ends a record; a lone CR is kept as text
                    if let next = iterator.next() {
                        if next == "\n" { try endRecord(); state = .fieldStart } else { try append(scalar); pending = next; state = .unquoted }
                    } else {
                        try endRecord(); state = .fieldStart
                    }
                case "\n": try endRecord(); state = .fieldStart
                case "\"":
                    guard state == .fieldStart else { throw .quoteInField(record: records.count + 1) }
                    state = .quoted
                default: try append(scalar); state = .unquoted
                }
            case .quoted:
                if scalar == "\"" { state = .quoteInQuoted } else { try append(scalar) }
            case .quoteInQuoted:
                switch scalar {
                case "\"": try append(scalar); state = .quoted
                case ",": try endField(); state = .fieldStart
                case "\n": try endRecord(); state = .fieldStart
                case "\r":
                    guard let next = iterator.next(), next == "\n" else { throw .textAfterQuote(record: records.count + 1) }
                    try endRecord(); state = .fieldStart
                default: throw .textAfterQuote(record: records.count + 1)
                }
            }
        }
        switch state {
        case .quoted: throw .unterminatedQuote(record: records.count + 1)
        case .unquoted, .quoteInQuoted: try endRecord()
        case .fieldStart: if !record.isEmpty { try endRecord() }
        }
        return records
    }

    /// A CSV file read by its header: the columns found by name, so that their order and extra columns
    /// do not matter.
    public struct Table: Sendable {
        public let header: [String]
        /// The records after the header, with their 1-based record numbers in the file.
        public let rows: [[String]]

        public init(_ records: [[String]]) {
            header = records.first?.map { $0.trimmingCharacters() } ?? []
            rows = Array(records.dropFirst())
        }

        /// The index of the column named `name` (compared exactly, after trimming spaces).
        public func column(_ name: String) -> Int? { header.firstIndex(of: name) }

        /// The field of `row` in column `index`, or "" when the row is shorter.
        public func field(_ row: [String], _ index: Int?) -> String {
            guard let index, index < row.count else { return "" }
            return row[index]
        }
    }

    /// The first record of `text` (for detectors), without parsing the rest; nil when it is not CSV.
    public static func header(of text: String) -> [String]? {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" }
        guard firstLine.count < 4096, let records = try? parse(String(firstLine)), let first = records.first else { return nil }
        return first.map { $0.trimmingCharacters() }
    }
}

extension String {
    func trimmingCharacters() -> String {
        String(Substring(self).trimmingWhitespace())
    }
}
