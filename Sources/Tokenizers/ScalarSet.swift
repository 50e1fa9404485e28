/// A set of Unicode scalars described the way regex character classes describe them: ranges,
/// general categories, `\s`, nested classes, optional negation and case folding.
struct ScalarSet: Sendable {
    /// One member description of a set.
    indirect enum Item: Sendable {
        /// Code points `lower...upper`.
        case range(UInt32, UInt32)
        /// Any scalar whose general category bit is in the mask (see `ScalarSet.categoryBit`).
        case categories(UInt32)
        /// The Unicode `White_Space` property (`\s`).
        case whitespace
        /// A nested set (a negated escape such as `\S` or `\P{L}`, or a nested class).
        case set(ScalarSet)
    }

    var items: [Item]
    var negated: Bool
    /// Whether letters match regardless of case (`(?i)`).
    var caseInsensitive: Bool

    init(items: [Item], negated: Bool = false, caseInsensitive: Bool = false) {
        self.items = items
        self.negated = negated
        self.caseInsensitive = caseInsensitive
    }

    /// Whether code point `value` belongs to the set.
    func contains(_ value: UInt32) -> Bool {
        var found = containsExactly(value)
        if !found && caseInsensitive {
            for variant in ScalarSet.caseVariants(of: value) where containsExactly(variant) {
                found = true
                break
            }
        }
        return found != negated
    }

    private func containsExactly(_ value: UInt32) -> Bool {
        for item in items {
            switch item {
            case .range(let lower, let upper):
                if value >= lower && value <= upper { return true }
            case .categories(let mask):
                if mask & ScalarSet.categoryBit(of: value) != 0 { return true }
            case .whitespace:
                if CharacterClass.of(value) == .whitespace { return true }
            case .set(let inner):
                if inner.contains(value) { return true }
            }
        }
        return false
    }

    /// The single-scalar lowercase, uppercase and titlecase forms of `value` other than itself.
    static func caseVariants(of value: UInt32) -> [UInt32] {
        if value < 0x80 {
            if value >= 0x41 && value <= 0x5A { return [value + 0x20] }
            if value >= 0x61 && value <= 0x7A { return [value - 0x20] }
            return []
        }
        guard let scalar = Unicode.Scalar(value) else { return [] }
        var variants: [UInt32] = []
        let properties = scalar.properties
        for mapping in [properties.lowercaseMapping, properties.uppercaseMapping, properties.titlecaseMapping] {
            let scalars = mapping.unicodeScalars
            if scalars.count == 1, let first = scalars.first, first.value != value, !variants.contains(first.value) {
                variants.append(first.value)
            }
        }
        return variants
    }

    /// The bit standing for the general category of `value` in category masks.
    static func categoryBit(of value: UInt32) -> UInt32 {
        guard let scalar = Unicode.Scalar(value) else { return bit(.surrogate) }
        return bit(scalar.properties.generalCategory)
    }

    /// The bit standing for general category `category` in category masks.
    static func bit(_ category: Unicode.GeneralCategory) -> UInt32 {
        let index: UInt32
        switch category {
        case .uppercaseLetter: index = 0
        case .lowercaseLetter: index = 1
        case .titlecaseLetter: index = 2
        case .modifierLetter: index = 3
        case .otherLetter: index = 4
        case .nonspacingMark: index = 5
        case .spacingMark: index = 6
        case .enclosingMark: index = 7
        case .decimalNumber: index = 8
        case .letterNumber: index = 9
        case .otherNumber: index = 10
        case .connectorPunctuation: index = 11
        case .dashPunctuation: index = 12
        case .openPunctuation: index = 13
        case .closePunctuation: index = 14
        case .initialPunctuation: index = 15
        case .finalPunctuation: index = 16
        case .otherPunctuation: index = 17
        case .mathSymbol: index = 18
        case .currencySymbol: index = 19
        case .modifierSymbol: index = 20
        case .otherSymbol: index = 21
        case .spaceSeparator: index = 22
        case .lineSeparator: index = 23
        case .paragraphSeparator: index = 24
        case .control: index = 25
        case .format: index = 26
        case .surrogate: index = 27
        case .privateUse: index = 28
        case .unassigned: index = 29
        @unknown default: index = 29
        }
        return 1 << index
    }

    /// The category mask for a `\p{…}` name (one- or two-letter abbreviation or long group
    /// name), or nil when the name is not a general category.
    static func categoryMask(named name: String) -> UInt32? {
        let bits: [String: ClosedRange<UInt32>] = [
            "L": 0...4, "M": 5...7, "N": 8...10, "P": 11...17, "S": 18...21, "Z": 22...24, "C": 25...29,
        ]
        let single: [String: UInt32] = [
            "Lu": 0, "Ll": 1, "Lt": 2, "Lm": 3, "Lo": 4, "Mn": 5, "Mc": 6, "Me": 7, "Nd": 8, "Nl": 9,
            "No": 10, "Pc": 11, "Pd": 12, "Ps": 13, "Pe": 14, "Pi": 15, "Pf": 16, "Po": 17, "Sm": 18,
            "Sc": 19, "Sk": 20, "So": 21, "Zs": 22, "Zl": 23, "Zp": 24, "Cc": 25, "Cf": 26, "Cs": 27,
            "Co": 28, "Cn": 29,
        ]
        let longNames: [String: String] = [
            "Letter": "L", "Mark": "M", "Number": "N", "Punctuation": "P", "Symbol": "S",
            "Separator": "Z", "Other": "C",
        ]
        if name == "L&" || name == "LC" { return 0b111 }
        let key = longNames[name] ?? name
        if let range = bits[key] { return range.reduce(0) { $0 | 1 << $1 } }
        if let index = single[key] { return 1 << index }
        return nil
    }
}
