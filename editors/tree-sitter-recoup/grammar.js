/**
 * A tree-sitter grammar for recoup rule files (`.rules`), for colouring in
 * editors that read tree-sitter grammars (Neovim, Helix, Zed).
 *
 * The language's one real grammar is `grammar/recoup.pest`; this one
 * follows it closely enough to colour every valid file and to give each
 * construct a node, and no further: it is looser (a default may be any
 * expression, a unit may follow a number across a line break), because
 * checking is the language server's job, not the highlighter's.
 */

// Loosest first, as in grammar/recoup.pest.
const PREC = { or: 1, and: 2, as: 3, not: 4, compare: 5, add: 6, multiply: 7, negate: 8 };

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)), optional(','));

module.exports = grammar({
  name: 'recoup',

  extras: ($) => [/\s/, $.comment],

  // Keywords are words a name may not be (`and`, `when`, ...).
  word: ($) => $.identifier,

  conflicts: ($) => [
    // `= 3` then a name: its unit, or (on the next line) the next fact.
    [$.quantity, $._atom],
    [$.quantity, $.bound],
  ],

  rules: {
    source_file: ($) => repeat(choice($.facts_block, $.enum_declaration, $.define, $.protocol)),

    comment: (_) => token(seq('#', /.*/)),

    // ---- facts ----------------------------------------------------------

    facts_block: ($) => seq('facts', '{', repeat($.fact_declaration), '}'),

    fact_declaration: ($) =>
      seq(
        field('name', alias($.path, $.fact_name)),
        ':',
        field('type', $._type),
        optional('?'),
        optional($.range),
        optional(seq('=', field('default', $._expression))),
        optional('past'),
        optional(seq('requires', $.path)),
        optional(field('doc', $.string)),
      ),

    range: ($) => seq('in', optional($.bound), '..', optional($.bound)),
    bound: ($) => seq(optional('-'), choice($.pace, $.quantity, $.number)),

    _type: ($) => choice($.list_type, $.series_type, $.enum_type, $.named_type),
    list_type: ($) => seq('list', '(', $._type, ')'),
    series_type: ($) => seq('series', '(', $.identifier, ':', $.type_name, ')'),
    enum_type: ($) => seq('enum', '(', commaSep1($.enum_value), ')'),
    named_type: ($) => seq($.type_name, optional(seq('/', $.type_name)), optional(seq('or', 'never'))),
    type_name: ($) => $.identifier,

    enum_declaration: ($) => seq('enum', field('name', $.identifier), '{', commaSep1($.enum_value), '}'),
    enum_value: ($) => seq($.identifier, optional($.string)),

    define: ($) =>
      seq('define', field('name', $.identifier), '=', field('value', $._expression), optional(field('doc', $.string))),

    // ---- protocols and rules --------------------------------------------

    protocol: ($) =>
      seq(
        'protocol',
        field('name', $.identifier),
        field('title', $.string),
        '{',
        optional(seq('source', $.string)),
        repeat($.rule),
        '}',
      ),

    rule: ($) => seq('rule', field('name', $.identifier), '{', repeat($._clause), '}'),

    _clause: ($) =>
      choice(
        seq('when', $._expression),
        seq('unless', $._expression),
        seq('advise', $.string),
        seq('because', $.string),
        seq('priority', $.value_name),
        seq('timing', $.value_name),
        seq('category', $.value_name),
        seq('for', commaSep1($.tag)),
        seq('against', commaSep1($.tag)),
        seq('suppresses', commaSep1(alias($.path, $.rule_reference))),
      ),
    value_name: ($) => $.identifier,
    tag: ($) => $.identifier,

    // ---- expressions ----------------------------------------------------

    _expression: ($) =>
      choice(
        $.binary_expression,
        $.not_expression,
        $.negation,
        $.worded,
        $.comparison,
        $.between,
        $.membership,
        $.is_test,
        $.contains,
        $._atom,
      ),

    binary_expression: ($) =>
      choice(
        prec.left(PREC.or, seq($._expression, 'or', $._expression)),
        prec.left(PREC.and, seq($._expression, 'and', $._expression)),
        prec.left(PREC.add, seq($._expression, choice('+', '-'), $._expression)),
        prec.left(PREC.multiply, seq($._expression, choice('*', '/'), $._expression)),
      ),
    // `rhr_days_elevated >= 3 as "resting heart rate up for {rhr_days_elevated} mornings"`
    worded: ($) => prec.left(PREC.as, seq($._expression, 'as', $.string)),
    not_expression: ($) => prec(PREC.not, seq('not', $._expression)),
    negation: ($) => prec(PREC.negate, seq('-', $._expression)),
    comparison: ($) =>
      prec.left(PREC.compare, seq($._expression, choice('<=', '>=', '==', '!=', '<', '>'), $._expression)),
    between: ($) =>
      prec.left(PREC.compare, seq($._expression, optional('not'), 'between', $._expression, 'and', $._expression)),
    membership: ($) => prec.left(PREC.compare, seq($._expression, optional('not'), 'in', $.list)),
    is_test: ($) =>
      prec.left(
        PREC.compare,
        seq($._expression, 'is', optional('not'), choice('known', 'missing', 'never', $._expression)),
      ),
    contains: ($) => prec.left(PREC.compare, seq($._expression, 'contains', $._expression)),

    _atom: ($) =>
      choice(
        $.pace,
        $.quantity,
        $.number,
        $.boolean,
        $.string,
        $.if_expression,
        $.call,
        $.list,
        $.parenthesized,
        $.path,
      ),

    if_expression: ($) => prec.right(seq('if', $._expression, 'then', $._expression, 'else', $._expression)),
    call: ($) => seq(field('function', $.identifier), '(', optional(commaSep1($._expression)), ')'),
    list: ($) => seq('[', optional(commaSep1($._expression)), ']'),
    parenthesized: ($) => seq('(', $._expression, ')'),
    path: ($) => prec.right(seq($.identifier, repeat(seq('.', $.identifier)))),
    boolean: (_) => choice('true', 'false'),

    // `30min`, `1h30m`, `4 bpm`, `10 %`, `1.5 L/kg` (the `/kg` reads as a
    // division here, which colours the same).
    number: (_) => /\d+(\.\d+)?/,
    quantity: ($) => seq($.number, $.unit),
    unit: ($) => choice($.identifier, '%', /°[A-Za-z]+/),
    // `5:15/km`
    pace: (_) => token(/\d+:\d\d\/[A-Za-z]+/),

    identifier: (_) => /[A-Za-z_][A-Za-z0-9_]*/,

    // ---- strings with interpolation ------------------------------------
    // "Drink about {fluid_to_drink} with salt." `\{` writes a brace.

    string: ($) => seq('"', repeat(choice($.string_content, $.escape_sequence, $.interpolation)), '"'),
    string_content: (_) => token.immediate(prec(1, /[^"\\{\n]+/)),
    escape_sequence: (_) => token.immediate(seq('\\', /["\\{}n]/)),
    interpolation: ($) =>
      seq(token.immediate('{'), $._expression, optional(seq(':', alias($.identifier, $.format))), '}'),
  },
});
