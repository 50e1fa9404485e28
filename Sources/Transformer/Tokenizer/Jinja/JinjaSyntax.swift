/// The parsed form of a chat template: statements and expressions of the Jinja subset that
/// Hugging Face chat templates use.
indirect enum JinjaNode: Sendable {
    /// Literal text.
    case text(String)
    /// `{{ expression }}`.
    case output(JinjaExpression)
    /// `{% if %}…{% elif %}…{% else %}…{% endif %}`: the branches in order, then the else body.
    case conditional([(condition: JinjaExpression, body: [JinjaNode])], otherwise: [JinjaNode])
    /// `{% for a[, b] in iterable [if filter] %}…{% else %}…{% endfor %}`.
    case loop(targets: [String], iterable: JinjaExpression, filter: JinjaExpression?, body: [JinjaNode], otherwise: [JinjaNode])
    /// `{% set name = value %}` or `{% set namespace.attribute = value %}`.
    case assignment(name: String, attribute: String?, value: JinjaExpression)
    /// `{% set name %}…{% endset %}`: the rendered body as a string.
    case capture(name: String, body: [JinjaNode])
    /// `{% break %}` and `{% continue %}` (Hugging Face enables loop controls).
    case breakLoop, continueLoop
}

/// A Jinja expression.
indirect enum JinjaExpression: Sendable {
    case literal(JinjaValue)
    case name(String)
    case list([JinjaExpression])
    case dict([(key: JinjaExpression, value: JinjaExpression)])
    /// `a.b`.
    case attribute(JinjaExpression, String)
    /// `a[b]`.
    case item(JinjaExpression, JinjaExpression)
    /// `a[start:stop:step]`.
    case slice(JinjaExpression, start: JinjaExpression?, stop: JinjaExpression?, step: JinjaExpression?)
    /// `f(arguments, name=value)`.
    case call(JinjaExpression, arguments: [JinjaExpression], keywords: [(String, JinjaExpression)])
    /// `value | name(arguments)`.
    case filter(JinjaExpression, name: String, arguments: [JinjaExpression], keywords: [(String, JinjaExpression)])
    /// `value is [not] name [argument]`.
    case test(JinjaExpression, name: String, arguments: [JinjaExpression], negated: Bool)
    case not(JinjaExpression)
    case negate(JinjaExpression)
    /// An operator: `+ - * / // % ** ~ == != < <= > >= in` (`not in` is `not(in)`).
    case binary(String, JinjaExpression, JinjaExpression)
    case and(JinjaExpression, JinjaExpression)
    case or(JinjaExpression, JinjaExpression)
    /// `then if condition else otherwise` (a missing else gives undefined).
    case ternary(condition: JinjaExpression, then: JinjaExpression, otherwise: JinjaExpression?)
}

/// Why a chat template cannot be parsed or rendered.
struct JinjaError: Error, CustomStringConvertible, Sendable {
    let description: String
    init(_ description: String) { self.description = description }
}
