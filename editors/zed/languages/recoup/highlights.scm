; Colours for recoup rule files. Capture names are the common ones of
; nvim-treesitter and Zed (Helix names some differently; see the README).

(comment) @comment

[
  "facts" "enum" "define" "protocol" "source" "rule"
  "when" "unless" "advise" "because" "priority" "timing" "category"
  "for" "against" "suppresses"
  "list" "series" "past" "requires"
  "if" "then" "else"
  "in" "between" "is" "contains" "as"
  "known" "missing" "never"
] @keyword

["and" "or" "not"] @keyword.operator

["<=" ">=" "==" "!=" "<" ">" "+" "-" "*" "/" "=" ".." "?"] @operator

["(" ")" "[" "]"] @punctuation.bracket
["," ":" "."] @punctuation.delimiter

(string) @string
(escape_sequence) @string.escape
(interpolation ["{" "}"] @punctuation.special)
(interpolation (format) @attribute)

(number) @number
(pace) @number
(unit) @type
(boolean) @boolean

(type_name) @type
(value_name) @constant
(tag) @label

(fact_name) @property
(rule_reference) @function
(enum_declaration name: (identifier) @type)
(enum_value (identifier) @constant)
(define name: (identifier) @function)
(protocol name: (identifier) @module)
(rule name: (identifier) @function)
(call function: (identifier) @function)
(path) @variable
