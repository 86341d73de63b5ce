//! List query parameters: `conditions`, `orderBy`, `fields`, `page`, `pageSize` and `pageId`,
//! and the `Link` header that points at the neighbouring pages.
//!
//! Two kinds of paging exist. Navigable paging (the default) takes `page` and `pageSize` and
//! responds with a `Link` header listing `first`, `prev`, `next` and `last`. Forward-only paging
//! (request header `pagination-type: forward-only`) ignores `page`, lists records by ascending
//! `id` after `pageId`, rejects `orderBy`, and responds with a `Link` header holding only the
//! `next` URL while records remain. In both, `pageId` keeps only records whose `id` is greater.
//!
//! Grammar of `conditions`, as the sandbox reads it:
//!
//! ```text
//! expression := term { OR term }
//! term       := factor { AND factor }
//! factor     := NOT factor | "(" expression ")" | comparison
//! comparison := field ( "=" | "!=" | "<" | "<=" | ">" | ">=" ) value
//!             | field [NOT] ( CONTAINS | LIKE ) text
//!             | field [NOT] IN "(" value { "," value } ")"
//! value      := text | number | TRUE | FALSE | NULL | "[" date-time "]"
//! ```
//!
//! Keywords are case-insensitive, and so are field names. Text is quoted with `"` or `'`; a
//! backslash escapes the quote and itself. A nested field is a path such as `securityRole/id`.
//! Text comparisons ignore case, and `%` is the only `like` wildcard. A comparison with a null
//! field is false, except `= null` and `!= null`, as in SQL.
//!
//! Every field and value is checked against the resource's [`FieldSpec`] list before any record
//! is read, so an unknown field or a value of the wrong type fails even on an empty list.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::clock;

/// Records per page when the request gives no `pageSize`.
pub const DEFAULT_PAGE_SIZE: usize = 25;
/// Largest page; a larger `pageSize` is reduced to it.
pub const MAX_PAGE_SIZE: usize = 1000;

/// Type of a field that `conditions` and `orderBy` may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Number,
    Bool,
    Date,
}

/// A field that a list resource lets callers filter and sort on.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// Name used in `conditions`, `orderBy` and `fields`.
    pub name: &'static str,
    /// Slash-separated path of the value in the record's JSON.
    pub path: &'static str,
    pub kind: FieldKind,
}

/// Declares a field whose name is also its JSON path.
pub const fn field(name: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec {
        name,
        path: name,
        kind,
    }
}

/// Declares a field whose JSON path differs from its name (`lastUpdated` is `_info/lastUpdated`).
pub const fn aliased(name: &'static str, path: &'static str, kind: FieldKind) -> FieldSpec {
    FieldSpec { name, path, kind }
}

/// A rejected query parameter, with the parameter's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {message}")]
pub struct QueryError {
    pub parameter: &'static str,
    pub message: String,
}

impl QueryError {
    fn new(parameter: &'static str, message: impl Into<String>) -> Self {
        QueryError {
            parameter,
            message: message.into(),
        }
    }
}

/// A constant on the right side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Text(String),
    Number(f64),
    Bool(bool),
    Null,
    /// Seconds since the Unix epoch.
    Date(i64),
}

impl Literal {
    fn kind_name(&self) -> &'static str {
        match self {
            Literal::Text(_) => "text",
            Literal::Number(_) => "a number",
            Literal::Bool(_) => "a boolean",
            Literal::Null => "null",
            Literal::Date(_) => "a date",
        }
    }
}

/// Comparison operator of a condition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Contains,
    Like,
}

impl Operator {
    fn symbol(self) -> &'static str {
        match self {
            Operator::Equal => "=",
            Operator::NotEqual => "!=",
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::Contains => "contains",
            Operator::Like => "like",
        }
    }
}

/// Parsed `conditions` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare {
        path: &'static str,
        operator: Operator,
        value: Literal,
    },
    In {
        path: &'static str,
        values: Vec<Literal>,
    },
}

impl Condition {
    /// Parses a `conditions` value, checking fields and value types against `fields`.
    pub fn parse(input: &str, fields: &[FieldSpec]) -> Result<Condition, QueryError> {
        let tokens = tokenize(input)?;
        let mut parser = Parser {
            tokens,
            position: 0,
            fields,
            end: input.chars().count(),
        };
        let condition = parser.expression()?;
        match parser.peek() {
            None => Ok(condition),
            Some(token) => Err(parser.error_at(
                token.offset,
                format!("unexpected {}", token.kind.describe()),
            )),
        }
    }

    /// Returns whether `record` satisfies the condition.
    pub fn matches(&self, record: &Value) -> bool {
        match self {
            Condition::And(left, right) => left.matches(record) && right.matches(record),
            Condition::Or(left, right) => left.matches(record) || right.matches(record),
            Condition::Not(inner) => !inner.matches(record),
            Condition::Compare {
                path,
                operator,
                value,
            } => compare(lookup(record, path), *operator, value),
            Condition::In { path, values } => {
                let actual = lookup(record, path);
                values
                    .iter()
                    .any(|value| compare(actual, Operator::Equal, value))
            }
        }
    }
}

/// Returns the value at a slash-separated path, or null when any step is missing.
pub fn lookup<'a>(record: &'a Value, path: &str) -> &'a Value {
    let mut current = record;
    for step in path.split('/') {
        match current.get(step) {
            Some(next) => current = next,
            None => return &Value::Null,
        }
    }
    current
}

fn compare(actual: &Value, operator: Operator, expected: &Literal) -> bool {
    if let Literal::Null = expected {
        return match operator {
            Operator::Equal => actual.is_null(),
            Operator::NotEqual => !actual.is_null(),
            _ => false,
        };
    }
    if actual.is_null() {
        return false;
    }

    let ordering = match (actual, expected) {
        (Value::String(text), Literal::Text(expected)) => {
            let text = text.to_lowercase();
            let expected = expected.to_lowercase();
            match operator {
                Operator::Contains => return text.contains(&expected),
                Operator::Like => return like_matches(&text, &expected),
                _ => text.cmp(&expected),
            }
        }
        (Value::Number(number), Literal::Number(expected)) => {
            match number.as_f64().and_then(|n| n.partial_cmp(expected)) {
                Some(ordering) => ordering,
                None => return false,
            }
        }
        (Value::Bool(flag), Literal::Bool(expected)) => flag.cmp(expected),
        (Value::String(text), Literal::Date(expected)) => match clock::parse(text) {
            Some(seconds) => seconds.cmp(expected),
            None => return false,
        },
        _ => return false,
    };

    match operator {
        Operator::Equal => ordering == Ordering::Equal,
        Operator::NotEqual => ordering != Ordering::Equal,
        Operator::Less => ordering == Ordering::Less,
        Operator::LessOrEqual => ordering != Ordering::Greater,
        Operator::Greater => ordering == Ordering::Greater,
        Operator::GreaterOrEqual => ordering != Ordering::Less,
        Operator::Contains | Operator::Like => false,
    }
}

/// Matches lower-cased `text` against a lower-cased `like` pattern in which `%` stands for any
/// run of characters.
fn like_matches(text: &str, pattern: &str) -> bool {
    wildcard_matches(text, pattern, '%')
}

/// Matches `text` against `pattern`, in which `wildcard` stands for any run of characters.
/// Both are compared as given, so callers lower-case them to ignore case.
pub fn wildcard_matches(text: &str, pattern: &str, wildcard: char) -> bool {
    let parts: Vec<&str> = pattern.split(wildcard).collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return text == pattern;
    };
    if text.len() < first.len() + last.len() || !text.starts_with(first) || !text.ends_with(last) {
        return false;
    }

    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[derive(Clone, Debug, PartialEq)]
enum TokenKind {
    Word(String),
    Text(String),
    Number(f64),
    Date(i64),
    Operator(Operator),
    Open,
    Close,
    Comma,
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::Word(word) => format!("'{word}'"),
            TokenKind::Text(text) => format!("text \"{text}\""),
            TokenKind::Number(number) => format!("number {number}"),
            TokenKind::Date(seconds) => format!("date [{}]", clock::format(*seconds)),
            TokenKind::Operator(operator) => format!("'{}'", operator.symbol()),
            TokenKind::Open => "'('".to_owned(),
            TokenKind::Close => "')'".to_owned(),
            TokenKind::Comma => "','".to_owned(),
        }
    }

    fn is_keyword(&self, keyword: &str) -> bool {
        matches!(self, TokenKind::Word(word) if word.eq_ignore_ascii_case(keyword))
    }
}

#[derive(Clone, Debug)]
struct Token {
    kind: TokenKind,
    /// Character offset in the input, 1-based for messages.
    offset: usize,
}

fn syntax_error(offset: usize, message: impl Into<String>) -> QueryError {
    QueryError::new(
        "conditions",
        format!("{} at character {offset}", message.into()),
    )
}

fn tokenize(input: &str) -> Result<Vec<Token>, QueryError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut index = 0;

    while index < chars.len() {
        let start = index;
        let current = chars[index];
        let next = chars.get(index + 1).copied();
        let kind = match current {
            c if c.is_whitespace() => {
                index += 1;
                continue;
            }
            '(' => {
                index += 1;
                TokenKind::Open
            }
            ')' => {
                index += 1;
                TokenKind::Close
            }
            ',' => {
                index += 1;
                TokenKind::Comma
            }
            '=' => {
                index += 1;
                TokenKind::Operator(Operator::Equal)
            }
            '!' if next == Some('=') => {
                index += 2;
                TokenKind::Operator(Operator::NotEqual)
            }
            '<' | '>' => {
                let or_equal = next == Some('=');
                index += if or_equal { 2 } else { 1 };
                TokenKind::Operator(match (current, or_equal) {
                    ('<', false) => Operator::Less,
                    ('<', true) => Operator::LessOrEqual,
                    ('>', false) => Operator::Greater,
                    _ => Operator::GreaterOrEqual,
                })
            }
            '"' | '\'' => {
                let (text, end) = read_quoted(&chars, index)?;
                index = end;
                TokenKind::Text(text)
            }
            '[' => {
                let Some(length) = chars[index + 1..].iter().position(|&c| c == ']') else {
                    return Err(syntax_error(start + 1, "unclosed '['"));
                };
                let inside: String = chars[index + 1..index + 1 + length].iter().collect();
                let Some(seconds) = clock::parse(&inside) else {
                    return Err(syntax_error(start + 1, format!("invalid date [{inside}]")));
                };
                index += length + 2;
                TokenKind::Date(seconds)
            }
            c if c.is_ascii_digit() || (c == '-' && next.is_some_and(|n| n.is_ascii_digit())) => {
                index += 1;
                while index < chars.len() && (chars[index].is_ascii_digit() || chars[index] == '.')
                {
                    index += 1;
                }
                let text: String = chars[start..index].iter().collect();
                match text.parse::<f64>() {
                    Ok(number) => TokenKind::Number(number),
                    Err(_) => {
                        return Err(syntax_error(start + 1, format!("invalid number {text}")))
                    }
                }
            }
            c if c.is_alphabetic() || c == '_' => {
                while index < chars.len()
                    && (chars[index].is_alphanumeric() || "_/".contains(chars[index]))
                {
                    index += 1;
                }
                TokenKind::Word(chars[start..index].iter().collect())
            }
            other => {
                return Err(syntax_error(
                    start + 1,
                    format!("unexpected character '{other}'"),
                ))
            }
        };
        tokens.push(Token {
            kind,
            offset: start + 1,
        });
    }
    Ok(tokens)
}

/// Reads a quoted text starting at `chars[start]`; returns the text and the index after the
/// closing quote. A backslash before the quote character or another backslash escapes it; any
/// other backslash is kept as written.
fn read_quoted(chars: &[char], start: usize) -> Result<(String, usize), QueryError> {
    let quote = chars[start];
    let mut text = String::new();
    let mut index = start + 1;
    while index < chars.len() {
        let current = chars[index];
        if current == '\\' && matches!(chars.get(index + 1), Some(&c) if c == quote || c == '\\') {
            text.push(chars[index + 1]);
            index += 2;
        } else if current == quote {
            return Ok((text, index + 1));
        } else {
            text.push(current);
            index += 1;
        }
    }
    Err(syntax_error(start + 1, "unclosed quoted text"))
}

struct Parser<'a> {
    tokens: Vec<Token>,
    position: usize,
    fields: &'a [FieldSpec],
    /// Character count of the input, for "end of input" messages.
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn advance(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn eat_keyword(&mut self, keyword: &str) -> bool {
        let found = self
            .peek()
            .is_some_and(|token| token.kind.is_keyword(keyword));
        if found {
            self.position += 1;
        }
        found
    }

    fn error_at(&self, offset: usize, message: impl Into<String>) -> QueryError {
        syntax_error(offset, message)
    }

    /// Fails with "expected X" at the next token or at the end of input.
    fn expected(&self, what: &str) -> QueryError {
        match self.peek() {
            Some(token) => self.error_at(
                token.offset,
                format!("expected {what}, found {}", token.kind.describe()),
            ),
            None => self.error_at(self.end + 1, format!("expected {what}, found end of input")),
        }
    }

    fn expression(&mut self) -> Result<Condition, QueryError> {
        let mut left = self.term()?;
        while self.eat_keyword("or") {
            let right = self.term()?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn term(&mut self) -> Result<Condition, QueryError> {
        let mut left = self.factor()?;
        while self.eat_keyword("and") {
            let right = self.factor()?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn factor(&mut self) -> Result<Condition, QueryError> {
        if self.eat_keyword("not") {
            return Ok(Condition::Not(Box::new(self.factor()?)));
        }
        if matches!(
            self.peek(),
            Some(Token {
                kind: TokenKind::Open,
                ..
            })
        ) {
            self.position += 1;
            let inner = self.expression()?;
            return match self.advance() {
                Some(Token {
                    kind: TokenKind::Close,
                    ..
                }) => Ok(inner),
                _ => {
                    self.position -= 1;
                    Err(self.expected("')'"))
                }
            };
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Condition, QueryError> {
        let Some(Token {
            kind: TokenKind::Word(name),
            offset,
        }) = self.peek().cloned()
        else {
            return Err(self.expected("a field name"));
        };
        if ["and", "or", "not", "in", "like", "contains"]
            .iter()
            .any(|k| name.eq_ignore_ascii_case(k))
        {
            return Err(self.expected("a field name"));
        }
        let Some(spec) = self
            .fields
            .iter()
            .find(|spec| spec.name.eq_ignore_ascii_case(&name))
        else {
            return Err(QueryError::new(
                "conditions",
                format!("unknown field '{name}' at character {offset}"),
            ));
        };
        self.position += 1;

        let negated = self.eat_keyword("not");
        let operator_token = self.peek().cloned();
        let condition = match operator_token.as_ref().map(|token| &token.kind) {
            Some(TokenKind::Operator(operator)) if !negated => {
                let operator = *operator;
                self.position += 1;
                let value = self.literal()?;
                check_types(spec, operator, &value, offset)?;
                Condition::Compare {
                    path: spec.path,
                    operator,
                    value,
                }
            }
            Some(kind) if kind.is_keyword("contains") || kind.is_keyword("like") => {
                let operator = if kind.is_keyword("like") {
                    Operator::Like
                } else {
                    Operator::Contains
                };
                self.position += 1;
                let value = self.literal()?;
                check_types(spec, operator, &value, offset)?;
                Condition::Compare {
                    path: spec.path,
                    operator,
                    value,
                }
            }
            Some(kind) if kind.is_keyword("in") => {
                self.position += 1;
                let values = self.literal_list()?;
                for value in &values {
                    check_types(spec, Operator::Equal, value, offset)?;
                }
                Condition::In {
                    path: spec.path,
                    values,
                }
            }
            _ if negated => return Err(self.expected("contains, like or in after 'not'")),
            _ => return Err(self.expected(&format!("an operator after '{name}'"))),
        };

        Ok(if negated {
            Condition::Not(Box::new(condition))
        } else {
            condition
        })
    }

    fn literal(&mut self) -> Result<Literal, QueryError> {
        let literal = match self.peek().map(|token| &token.kind) {
            Some(TokenKind::Text(text)) => Literal::Text(text.clone()),
            Some(TokenKind::Number(number)) => Literal::Number(*number),
            Some(TokenKind::Date(seconds)) => Literal::Date(*seconds),
            Some(kind) if kind.is_keyword("true") => Literal::Bool(true),
            Some(kind) if kind.is_keyword("false") => Literal::Bool(false),
            Some(kind) if kind.is_keyword("null") => Literal::Null,
            _ => return Err(self.expected("a value")),
        };
        self.position += 1;
        Ok(literal)
    }

    fn literal_list(&mut self) -> Result<Vec<Literal>, QueryError> {
        if !matches!(
            self.advance(),
            Some(Token {
                kind: TokenKind::Open,
                ..
            })
        ) {
            self.position -= 1;
            return Err(self.expected("'(' after 'in'"));
        }
        let mut values = vec![self.literal()?];
        loop {
            match self.advance() {
                Some(Token {
                    kind: TokenKind::Comma,
                    ..
                }) => values.push(self.literal()?),
                Some(Token {
                    kind: TokenKind::Close,
                    ..
                }) => return Ok(values),
                _ => {
                    self.position -= 1;
                    return Err(self.expected("',' or ')'"));
                }
            }
        }
    }
}

/// Rejects a comparison whose value does not fit the field's type or whose operator does not
/// apply to it.
fn check_types(
    spec: &FieldSpec,
    operator: Operator,
    value: &Literal,
    offset: usize,
) -> Result<(), QueryError> {
    let fits = match (spec.kind, value) {
        (_, Literal::Null) => matches!(operator, Operator::Equal | Operator::NotEqual),
        (FieldKind::Text, Literal::Text(_)) => true,
        (_, Literal::Text(_)) => false,
        (_, _) if matches!(operator, Operator::Contains | Operator::Like) => false,
        (FieldKind::Number, Literal::Number(_)) | (FieldKind::Date, Literal::Date(_)) => true,
        (FieldKind::Bool, Literal::Bool(_)) => {
            matches!(operator, Operator::Equal | Operator::NotEqual)
        }
        _ => false,
    };
    if fits {
        return Ok(());
    }

    let kind = match spec.kind {
        FieldKind::Text => "text",
        FieldKind::Number => "a number",
        FieldKind::Bool => "a boolean",
        FieldKind::Date => "a date",
    };
    let message = format!(
        "field '{}' is {kind} and cannot be compared with '{}' to {} (character {offset})",
        spec.name,
        operator.symbol(),
        value.kind_name()
    );
    Err(QueryError::new("conditions", message))
}

/// Parsed query parameters of a list request.
#[derive(Clone, Debug)]
pub struct ListQuery {
    pub condition: Option<Condition>,
    /// Sort keys as (JSON path, descending).
    pub order: Vec<(&'static str, bool)>,
    /// Paths kept by `fields`, or `None` for whole records.
    pub projection: Option<Vec<String>>,
    /// 1-based page number; forward-only paging ignores it.
    pub page: usize,
    pub page_size: usize,
    /// Forward-only paging, asked for with the `pagination-type: forward-only` header.
    pub forward_only: bool,
    /// `pageId`: only records whose `id` is greater are listed.
    pub page_id: Option<i64>,
}

/// One page of a list and the size of the whole filtered list.
#[derive(Debug)]
pub struct Page {
    pub records: Vec<Value>,
    pub total: usize,
    /// Under forward-only paging, the `pageId` of the next page when more records follow.
    pub next_page_id: Option<i64>,
}

fn parameter<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

fn parse_positive(
    pairs: &[(String, String)],
    name: &'static str,
    default: usize,
) -> Result<usize, QueryError> {
    match parameter(pairs, name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<usize>() {
            Ok(number) if number >= 1 => Ok(number),
            _ => Err(QueryError::new(
                name,
                format!("'{text}' is not a whole number of at least 1"),
            )),
        },
    }
}

impl ListQuery {
    /// Parses the query string pairs of a list request; parameter names ignore case.
    ///
    /// `childConditions` and `customFieldConditions` are rejected when not empty: the wizard
    /// sends neither, none of the resources here has child or custom fields to filter, and
    /// ignoring a filter would return wrong data. Forward-only paging rejects `orderBy`,
    /// because its pages follow `id`.
    pub fn parse(
        pairs: &[(String, String)],
        fields: &[FieldSpec],
        forward_only: bool,
    ) -> Result<ListQuery, QueryError> {
        for (unsupported, name) in [
            ("childConditions", "childConditions"),
            ("customFieldConditions", "customFieldConditions"),
        ] {
            if parameter(pairs, unsupported).is_some_and(|value| !value.trim().is_empty()) {
                return Err(QueryError::new(
                    name,
                    format!("the sandbox does not support the {unsupported} parameter"),
                ));
            }
        }

        let condition = match parameter(pairs, "conditions") {
            Some(text) if !text.trim().is_empty() => Some(Condition::parse(text, fields)?),
            _ => None,
        };
        let order = match parameter(pairs, "orderBy") {
            Some(text) if !text.trim().is_empty() => {
                if forward_only {
                    return Err(QueryError::new(
                        "orderBy",
                        "orderBy cannot be combined with forward-only paging, whose pages \
                         follow id",
                    ));
                }
                parse_order(text, fields)?
            }
            _ => Vec::new(),
        };
        let projection = match parameter(pairs, "fields") {
            Some(text) if !text.trim().is_empty() => Some(parse_projection(text, fields)?),
            _ => None,
        };
        let page = parse_positive(pairs, "page", 1)?;
        let page_size = parse_positive(pairs, "pageSize", DEFAULT_PAGE_SIZE)?.min(MAX_PAGE_SIZE);
        let page_id = match parameter(pairs, "pageId") {
            Some(text) if !text.trim().is_empty() => match text.trim().parse::<i64>() {
                Ok(id) if id >= 0 => Some(id),
                _ => {
                    return Err(QueryError::new(
                        "pageId",
                        format!("'{text}' is not a record id"),
                    ))
                }
            },
            _ => None,
        };

        Ok(ListQuery {
            condition,
            order,
            projection,
            page: if forward_only { 1 } else { page },
            page_size,
            forward_only,
            page_id,
        })
    }

    /// Returns how many records match the conditions.
    pub fn count(&self, records: &[Value]) -> usize {
        records.iter().filter(|record| self.keeps(record)).count()
    }

    fn keeps(&self, record: &Value) -> bool {
        let after_page_id = self
            .page_id
            .is_none_or(|page_id| record["id"].as_i64().is_some_and(|id| id > page_id));
        after_page_id
            && self
                .condition
                .as_ref()
                .is_none_or(|condition| condition.matches(record))
    }

    /// Returns the equality comparisons that every matching record must satisfy: those joined
    /// by AND at the top of `conditions`. A resource may test them on its stored objects
    /// before it builds any JSON, which keeps a look-up by identifier or name fast on a large
    /// site; the full conditions still run on the JSON afterwards.
    pub fn required_equalities(&self) -> Vec<(&'static str, &Literal)> {
        fn collect<'a>(condition: &'a Condition, found: &mut Vec<(&'static str, &'a Literal)>) {
            match condition {
                Condition::And(left, right) => {
                    collect(left, found);
                    collect(right, found);
                }
                Condition::Compare {
                    path,
                    operator: Operator::Equal,
                    value,
                } if !matches!(value, Literal::Null) => found.push((path, value)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        if let Some(condition) = &self.condition {
            collect(condition, &mut found);
        }
        found
    }

    /// Filters, sorts, pages and projects `records`.
    pub fn apply(&self, records: Vec<Value>) -> Page {
        let mut kept: Vec<Value> = records
            .into_iter()
            .filter(|record| self.keeps(record))
            .collect();
        if self.forward_only {
            kept.sort_by_key(|record| record["id"].as_i64().unwrap_or(i64::MIN));
        } else if !self.order.is_empty() {
            kept.sort_by(|a, b| {
                self.order
                    .iter()
                    .map(|(path, descending)| {
                        let ordering = order_values(lookup(a, path), lookup(b, path));
                        if *descending {
                            ordering.reverse()
                        } else {
                            ordering
                        }
                    })
                    .find(|ordering| *ordering != Ordering::Equal)
                    .unwrap_or(Ordering::Equal)
            });
        }

        let total = kept.len();
        let skip = (self.page - 1).saturating_mul(self.page_size);
        let records: Vec<Value> = kept.into_iter().skip(skip).take(self.page_size).collect();
        let next_page_id = if self.forward_only && skip + records.len() < total {
            records.last().and_then(|record| record["id"].as_i64())
        } else {
            None
        };
        let records = records
            .into_iter()
            .map(|record| match &self.projection {
                Some(paths) => project(&record, paths),
                None => record,
            })
            .collect();
        Page {
            records,
            total,
            next_page_id,
        }
    }
}

/// A stored field value that a resource reads without building JSON, to test the query's
/// required equalities cheaply.
#[derive(Clone, Copy, Debug)]
pub enum Key<'a> {
    Text(&'a str),
    Number(i64),
    Bool(bool),
}

impl Key<'_> {
    /// Returns whether the value satisfies `field = literal` under the rules of `conditions`
    /// (text ignores case), without allocating.
    pub fn equals(self, literal: &Literal) -> bool {
        match (self, literal) {
            // ASCII text, the common case, compares without case folding each character.
            (Key::Text(actual), Literal::Text(expected))
                if actual.is_ascii() && expected.is_ascii() =>
            {
                actual.eq_ignore_ascii_case(expected)
            }
            (Key::Text(actual), Literal::Text(expected)) => actual
                .chars()
                .flat_map(char::to_lowercase)
                .eq(expected.chars().flat_map(char::to_lowercase)),
            (Key::Number(actual), Literal::Number(expected)) => actual as f64 == *expected,
            (Key::Bool(actual), Literal::Bool(expected)) => actual == *expected,
            _ => false,
        }
    }
}

fn parse_order(text: &str, fields: &[FieldSpec]) -> Result<Vec<(&'static str, bool)>, QueryError> {
    let mut order = Vec::new();
    for clause in text.split(',') {
        let mut words = clause.split_whitespace();
        let Some(name) = words.next() else {
            return Err(QueryError::new(
                "orderBy",
                format!("empty sort key in '{text}'"),
            ));
        };
        let Some(spec) = fields
            .iter()
            .find(|spec| spec.name.eq_ignore_ascii_case(name))
        else {
            return Err(QueryError::new(
                "orderBy",
                format!("unknown field '{name}'"),
            ));
        };
        let descending = match words.next() {
            None => false,
            Some(word) if word.eq_ignore_ascii_case("asc") => false,
            Some(word) if word.eq_ignore_ascii_case("desc") => true,
            Some(word) => {
                return Err(QueryError::new(
                    "orderBy",
                    format!("expected asc or desc after '{name}', found '{word}'"),
                ))
            }
        };
        if let Some(extra) = words.next() {
            return Err(QueryError::new(
                "orderBy",
                format!("unexpected '{extra}' after '{name}'"),
            ));
        }
        order.push((spec.path, descending));
    }
    Ok(order)
}

/// Orders JSON values for `orderBy`: nulls first, then booleans, numbers and text (ignoring case).
fn order_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        _ => Ordering::Equal,
    }
}

/// Resolves `fields` entries to JSON paths. An entry may name a field (`securityRole/id`), a
/// field's parent object (`securityRole`) or `_info`.
fn parse_projection(text: &str, fields: &[FieldSpec]) -> Result<Vec<String>, QueryError> {
    let mut paths = Vec::new();
    for entry in text.split(',').map(str::trim) {
        let entry_lower = entry.to_ascii_lowercase();
        let found = fields.iter().find_map(|spec| {
            if spec.name.eq_ignore_ascii_case(entry) {
                return Some(spec.path.to_owned());
            }
            let path = spec.path.to_ascii_lowercase();
            let is_parent = path.len() > entry_lower.len()
                && path.starts_with(&entry_lower)
                && path.as_bytes()[entry_lower.len()] == b'/';
            is_parent.then(|| spec.path[..entry_lower.len()].to_owned())
        });
        match found {
            Some(path) => paths.push(path),
            None if entry == "_info" => paths.push(entry.to_owned()),
            None => {
                return Err(QueryError::new(
                    "fields",
                    format!("unknown field '{entry}'"),
                ))
            }
        }
    }
    Ok(paths)
}

/// Copies only the values at `paths` into a new record, keeping their nesting.
fn project(record: &Value, paths: &[String]) -> Value {
    let mut projected = Value::Object(Map::new());
    for path in paths {
        let value = lookup(record, path);
        if value.is_null() {
            continue;
        }
        let steps: Vec<&str> = path.split('/').collect();
        let mut target = &mut projected;
        for step in &steps[..steps.len() - 1] {
            let Value::Object(map) = target else { break };
            target = map
                .entry((*step).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
        }
        if let (Value::Object(map), Some(last)) = (target, steps.last()) {
            map.insert((*last).to_owned(), value.clone());
        }
    }
    projected
}

/// Builds the `Link` header for page `page` of a list of `total` records, or `None` when
/// everything fits on the first page.
///
/// `page_url` is the absolute URL of the request without its query; the other query pairs are
/// kept and `page` is replaced.
pub fn link_header(
    page_url: &str,
    pairs: &[(String, String)],
    page: usize,
    page_size: usize,
    total: usize,
) -> Option<String> {
    let last = total.div_ceil(page_size).max(1);
    if page == 1 && last == 1 {
        return None;
    }

    let url_for = |number: usize| {
        let mut serializer = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs
            .iter()
            .filter(|(key, _)| !key.eq_ignore_ascii_case("page"))
        {
            serializer.append_pair(key, value);
        }
        serializer.append_pair("page", &number.to_string());
        format!("<{page_url}?{}>", serializer.finish())
    };

    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", url_for(1)));
        links.push(format!("{}; rel=\"prev\"", url_for((page - 1).min(last))));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", url_for(page + 1)));
        links.push(format!("{}; rel=\"last\"", url_for(last)));
    }
    Some(links.join(", "))
}

/// Builds the `Link` header of a forward-only page: the next page's URL, with the request's
/// other query pairs and `pageId` set to the last id on this page.
pub fn forward_link(page_url: &str, pairs: &[(String, String)], next_page_id: i64) -> String {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs
        .iter()
        .filter(|(key, _)| !key.eq_ignore_ascii_case("pageId") && !key.eq_ignore_ascii_case("page"))
    {
        serializer.append_pair(key, value);
    }
    serializer.append_pair("pageId", &next_page_id.to_string());
    format!("<{page_url}?{}>; rel=\"next\"", serializer.finish())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FIELDS: &[FieldSpec] = &[
        field("id", FieldKind::Number),
        field("name", FieldKind::Text),
        field("inactiveFlag", FieldKind::Bool),
        field("securityRole/id", FieldKind::Number),
        field("securityRole/name", FieldKind::Text),
        aliased("lastUpdated", "_info/lastUpdated", FieldKind::Date),
    ];

    fn record() -> Value {
        json!({
            "id": 7,
            "name": "Visionary 360 \"API\"",
            "inactiveFlag": false,
            "securityRole": {"id": 3, "name": "Technician"},
            "_info": {"lastUpdated": "2024-05-01T10:00:00Z"}
        })
    }

    fn evaluate(conditions: &str) -> bool {
        match Condition::parse(conditions, FIELDS) {
            Ok(condition) => condition.matches(&record()),
            Err(error) => panic!("{conditions:?} failed to parse: {error}"),
        }
    }

    #[test]
    fn conditions_match_record() {
        let cases = [
            ("id=7", true),
            ("id = 8", false),
            ("id!=8", true),
            ("id>6 and id<=7", true),
            ("id>=8 or id<7", false),
            ("name contains \"360\"", true),
            ("NAME CONTAINS 'visionary'", true),
            ("name not contains 'xyz'", true),
            ("name like 'vis%api%'", true),
            ("name like 'api%'", false),
            ("name like 'Visionary 360 \"API\"'", true),
            ("name = \"visionary 360 \\\"api\\\"\"", true),
            ("securityRole/id=3", true),
            ("securityrole/NAME='technician'", true),
            ("securityRole/id in (1, 2, 3)", true),
            ("securityRole/id not in (1,2)", true),
            ("inactiveFlag=False", true),
            ("inactiveFlag = TRUE", false),
            ("not (id=7)", false),
            ("(id=1 or id=7) and inactiveFlag=false", true),
            ("id=1 or id=7 and inactiveFlag=true", false),
            ("lastUpdated > [2024-04-30T00:00:00Z]", true),
            ("lastUpdated < [2016-08-20T18:04:26Z]", false),
            ("name != null", true),
            ("securityRole/name = null", false),
            ("id = -1", false),
        ];
        for (conditions, expected) in cases {
            assert_eq!(evaluate(conditions), expected, "conditions {conditions:?}");
        }
    }

    #[test]
    fn null_field_fails_comparisons() {
        let condition = Condition::parse("name != 'x'", FIELDS).expect("parse");
        assert!(
            !condition.matches(&json!({"id": 1})),
            "missing name compared with !="
        );
        let condition = Condition::parse("name = null", FIELDS).expect("parse");
        assert!(
            condition.matches(&json!({"id": 1})),
            "missing name equals null"
        );
    }

    #[test]
    fn malformed_conditions_are_rejected() {
        let cases = [
            ("name=", "expected a value"),
            ("name 'x'", "expected an operator"),
            ("=3", "expected a field name"),
            ("name='x", "unclosed quoted text"),
            ("(id=1", "expected ')'"),
            ("id=1)", "unexpected ')'"),
            ("id=1 and", "expected a field name"),
            ("colour='red'", "unknown field 'colour'"),
            ("id='7'", "field 'id' is a number"),
            ("name=7", "field 'name' is text"),
            ("id contains 7", "field 'id' is a number"),
            ("inactiveFlag > true", "field 'inactiveFlag' is a boolean"),
            (
                "lastUpdated > '2020-01-01'",
                "field 'lastUpdated' is a date",
            ),
            ("lastUpdated > [2020-13-01]", "invalid date"),
            ("id < null", "cannot be compared with '<' to null"),
            ("id in 1,2", "expected '(' after 'in'"),
            ("id in (1 2)", "expected ',' or ')'"),
            ("id not = 1", "contains, like or in after 'not'"),
            ("id = 1 # 2", "unexpected character '#'"),
            ("id = [2020-01-01", "unclosed '['"),
        ];
        for (conditions, fragment) in cases {
            match Condition::parse(conditions, FIELDS) {
                Ok(parsed) => panic!("{conditions:?} parsed as {parsed:?}"),
                Err(error) => {
                    assert_eq!(
                        error.parameter, "conditions",
                        "parameter for {conditions:?}"
                    );
                    assert!(
                        error.message.contains(fragment),
                        "message for {conditions:?}: {}",
                        error.message
                    );
                }
            }
        }
    }

    fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn numbered(count: i64) -> Vec<Value> {
        (1..=count)
            .map(|id| json!({"id": id, "name": format!("Role {id:03}")}))
            .collect()
    }

    #[test]
    fn paging_defaults_and_limits() {
        let query = ListQuery::parse(&[], FIELDS, false).expect("empty query");
        assert_eq!(
            (query.page, query.page_size),
            (1, DEFAULT_PAGE_SIZE),
            "defaults"
        );
        let query = ListQuery::parse(&pairs(&[("pagesize", "5000")]), FIELDS, false)
            .expect("large page size");
        assert_eq!(query.page_size, MAX_PAGE_SIZE, "page size clamped");
        for (name, value) in [("page", "0"), ("pageSize", "-1"), ("page", "two")] {
            let error = ListQuery::parse(&pairs(&[(name, value)]), FIELDS, false)
                .expect_err("invalid paging");
            assert_eq!(error.parameter, name, "parameter named for {name}={value}");
        }
    }

    #[test]
    fn apply_pages_and_sorts() {
        let query = ListQuery::parse(
            &pairs(&[("page", "2"), ("pageSize", "10"), ("orderBy", "id desc")]),
            FIELDS,
            false,
        )
        .expect("query");
        let page = query.apply(numbered(25));
        assert_eq!(page.total, 25, "total");
        let ids: Vec<i64> = page
            .records
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect();
        assert_eq!(
            ids,
            (6..=15).rev().collect::<Vec<_>>(),
            "second page in descending order"
        );

        let query = ListQuery::parse(&pairs(&[("page", "9")]), FIELDS, false).expect("query");
        assert!(
            query.apply(numbered(3)).records.is_empty(),
            "page past the end is empty"
        );
    }

    #[test]
    fn order_by_rejects_unknown_field() {
        let error = ListQuery::parse(&pairs(&[("orderBy", "colour asc")]), FIELDS, false)
            .expect_err("unknown field");
        assert_eq!(error.parameter, "orderBy", "parameter");
        let error = ListQuery::parse(&pairs(&[("orderBy", "id sideways")]), FIELDS, false)
            .expect_err("bad direction");
        assert!(
            error.message.contains("asc or desc"),
            "message: {}",
            error.message
        );
    }

    #[test]
    fn fields_projects_nested_values() {
        let query = ListQuery::parse(&pairs(&[("fields", "id,securityRole/name")]), FIELDS, false)
            .expect("query");
        let page = query.apply(vec![record()]);
        assert_eq!(
            page.records[0],
            json!({"id": 7, "securityRole": {"name": "Technician"}}),
            "projection"
        );
        let query = ListQuery::parse(&pairs(&[("fields", "securityrole")]), FIELDS, false)
            .expect("parent object");
        let page = query.apply(vec![record()]);
        assert_eq!(
            page.records[0],
            json!({"securityRole": {"id": 3, "name": "Technician"}}),
            "parent"
        );
    }

    #[test]
    fn unsupported_parameters_are_rejected() {
        let error = ListQuery::parse(&pairs(&[("childConditions", "x=1")]), FIELDS, false)
            .expect_err("childConditions");
        assert!(
            error.message.contains("childConditions"),
            "message: {}",
            error.message
        );
    }

    #[test]
    fn forward_only_pages_follow_id() {
        let query = ListQuery::parse(&pairs(&[("pageSize", "10"), ("page", "3")]), FIELDS, true)
            .expect("query");
        let page = query.apply(numbered(25));
        assert_eq!(page.records.len(), 10, "page ignored, first ten");
        assert_eq!(page.next_page_id, Some(10), "next page after id 10");

        let query = ListQuery::parse(
            &pairs(&[("pageSize", "10"), ("pageId", "20")]),
            FIELDS,
            true,
        )
        .expect("query");
        let page = query.apply(numbered(25));
        let ids: Vec<i64> = page
            .records
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect();
        assert_eq!(ids, (21..=25).collect::<Vec<_>>(), "records after pageId");
        assert_eq!(page.next_page_id, None, "last page");

        let error = ListQuery::parse(&pairs(&[("orderBy", "id desc")]), FIELDS, true)
            .expect_err("orderBy under forward-only");
        assert_eq!(error.parameter, "orderBy", "parameter");
        let link = forward_link(
            "http://h/x",
            &pairs(&[("pageSize", "10"), ("pageId", "3")]),
            13,
        );
        assert_eq!(
            link, "<http://h/x?pageSize=10&pageId=13>; rel=\"next\"",
            "link"
        );
    }

    #[test]
    fn required_equalities_come_from_top_level_and() {
        let query = ListQuery::parse(
            &pairs(&[(
                "conditions",
                "name='a' and (id=1 or id=2) and inactiveFlag=false",
            )]),
            FIELDS,
            false,
        )
        .expect("query");
        let paths: Vec<&str> = query
            .required_equalities()
            .iter()
            .map(|(path, _)| *path)
            .collect();
        assert_eq!(paths, ["name", "inactiveFlag"], "paths");
    }

    #[test]
    fn link_header_lists_neighbours() {
        let query = pairs(&[("conditions", "id>0"), ("page", "2")]);
        let header = link_header("http://h/x", &query, 2, 10, 35).expect("header");
        assert!(
            header.contains("<http://h/x?conditions=id%3E0&page=1>; rel=\"first\""),
            "first: {header}"
        );
        assert!(header.contains("page=1>; rel=\"prev\""), "prev: {header}");
        assert!(header.contains("page=3>; rel=\"next\""), "next: {header}");
        assert!(header.contains("page=4>; rel=\"last\""), "last: {header}");
        assert_eq!(
            link_header("http://h/x", &[], 1, 25, 25),
            None,
            "single page"
        );
        let last_page = link_header("http://h/x", &[], 2, 25, 30).expect("last page");
        assert!(
            !last_page.contains("rel=\"next\""),
            "no next on the last page: {last_page}"
        );
    }

    #[test]
    fn like_wildcards() {
        let cases = [
            ("abc", "abc", true),
            ("abc", "a%", true),
            ("abc", "%c", true),
            ("abc", "%b%", true),
            ("abc", "a%b%c", true),
            ("ab", "a%b%b", false),
            ("aba", "ab%ba", false),
            ("abc", "%", true),
        ];
        for (text, pattern, expected) in cases {
            assert_eq!(
                like_matches(text, pattern),
                expected,
                "{text:?} like {pattern:?}"
            );
        }
    }
}
