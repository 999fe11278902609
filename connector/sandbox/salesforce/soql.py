"""The SOQL subset the sandbox understands: a tokenizer and a recursive-descent parser, then evaluation.

Grammar:  SELECT field (, field)* FROM Object [WHERE or_expr] [ORDER BY field [ASC|DESC] (, ...)*] [LIMIT n]
          or_expr := and_expr (OR and_expr)* ; and_expr := atom (AND atom)*
          atom := '(' or_expr ')' | field op literal | field [NOT] IN '(' literal (, literal)* ')'
Anything outside it is a MALFORMED_QUERY, as Salesforce answers for syntax it cannot parse.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

KEYWORDS = {"SELECT", "FROM", "WHERE", "ORDER", "BY", "LIMIT", "AND", "OR", "IN", "NOT", "ASC", "DESC",
            "NULLS", "FIRST", "LAST"}
_TOKENS = re.compile(r"""
    (?P<space>\s+)
  | (?P<datetime>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))
  | (?P<date>\d{4}-\d\d-\d\d)
  | (?P<number>-?\d+(?:\.\d+)?)
  | (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<op><=|>=|!=|<>|=|<|>)
  | (?P<punct>[(),])
  | (?P<name>[A-Za-z_][\w.]*)
""", re.VERBOSE)


class SoqlError(ValueError):
    """What Salesforce calls MALFORMED_QUERY."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


@dataclass
class Query:
    fields: list[str]
    object_name: str
    where: tuple | None = None
    order: list[tuple[str, bool]] = field(default_factory=list)  # (field, descending)
    limit: int | None = None
    count: bool = False  # SELECT COUNT(): the answer is totalSize alone

    def referenced(self) -> set[str]:
        return set(self.fields) | {name for name, _ in self.order} | _names(self.where)


def tokenize(text: str) -> list[Token]:
    tokens, at = [], 0
    while at < len(text):
        match = _TOKENS.match(text, at)
        if match is None:
            raise SoqlError(f"unexpected token: '{text[at:at + 20]}'")
        at = match.end()
        kind = match.lastgroup
        if kind == "space":
            continue
        value = match.group()
        if kind == "name" and value.upper() in KEYWORDS:
            kind, value = "keyword", value.upper()
        tokens.append(Token(kind, value))
    return tokens


def parse(text: str) -> Query:
    return _Parser(tokenize(text)).query()


class _Parser:
    def __init__(self, tokens: list[Token]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def accept(self, kind: str, text: str | None = None) -> Token | None:
        token = self.peek()
        if token is not None and token.kind == kind and (text is None or token.text == text):
            self.at += 1
            return token
        return None

    def _count(self) -> bool:
        token, after = self.peek(), self.tokens[self.at + 1] if self.at + 1 < len(self.tokens) else None
        if token is None or token.kind != "name" or token.text.upper() != "COUNT" or after is None \
                or after.text != "(":
            return False
        self.at += 2
        self.expect("punct", ")")
        return True

    def expect(self, kind: str, text: str | None = None) -> Token:
        token = self.accept(kind, text)
        if token is None:
            found = self.peek().text if self.peek() else "end of query"
            raise SoqlError(f"expecting {text or kind}, unexpected token: '{found}'")
        return token

    def query(self) -> Query:
        self.expect("keyword", "SELECT")
        count = self._count()
        fields = [] if count else [self.expect("name").text]
        while not count and self.accept("punct", ","):
            fields.append(self.expect("name").text)
        self.expect("keyword", "FROM")
        query = Query(fields, self.expect("name").text, count=count)
        if self.accept("keyword", "WHERE"):
            query.where = self.or_expr()
        if self.accept("keyword", "ORDER"):
            self.expect("keyword", "BY")
            query.order.append(self.order_item())
            while self.accept("punct", ","):
                query.order.append(self.order_item())
        if self.accept("keyword", "LIMIT"):
            query.limit = int(float(self.expect("number").text))
        if self.peek() is not None:
            raise SoqlError(f"unexpected token: '{self.peek().text}'")
        return query

    def order_item(self) -> tuple[str, bool]:
        name = self.expect("name").text
        descending = bool(self.accept("keyword", "DESC"))
        if not descending:
            self.accept("keyword", "ASC")
        if self.accept("keyword", "NULLS"):
            self.accept("keyword", "FIRST") or self.expect("keyword", "LAST")
        return name, descending

    def or_expr(self) -> tuple:
        node = self.and_expr()
        while self.accept("keyword", "OR"):
            node = ("or", node, self.and_expr())
        return node

    def and_expr(self) -> tuple:
        node = self.atom()
        while self.accept("keyword", "AND"):
            node = ("and", node, self.atom())
        return node

    def atom(self) -> tuple:
        if self.accept("punct", "("):
            node = self.or_expr()
            self.expect("punct", ")")
            return node
        name = self.expect("name").text
        negated = bool(self.accept("keyword", "NOT"))
        if self.accept("keyword", "IN"):
            self.expect("punct", "(")
            values = [self.literal()]
            while self.accept("punct", ","):
                values.append(self.literal())
            self.expect("punct", ")")
            return ("not in" if negated else "in", name, values)
        if negated:
            raise SoqlError("expecting IN after NOT")
        op = self.expect("op").text
        return ("cmp", name, "!=" if op == "<>" else op, self.literal())

    def literal(self):
        token = self.peek()
        if token is None:
            raise SoqlError("expecting a value, unexpected token: 'end of query'")
        self.at += 1
        if token.kind == "string":
            return re.sub(r"\\(.)", r"\1", token.text[1:-1])
        if token.kind == "number":
            return float(token.text)
        if token.kind == "datetime":
            return to_ms(parse_datetime(token.text))
        if token.kind == "date":
            return date.fromisoformat(token.text).isoformat()
        if token.kind == "name" and token.text.lower() in ("true", "false"):
            return token.text.lower() == "true"
        if token.kind == "name" and token.text.lower() == "null":
            return None
        raise SoqlError(f"unexpected token: '{token.text}'")


def parse_datetime(text: str) -> datetime:
    text = text.replace("Z", "+00:00")
    if text[-5] in "+-" and text[-3] != ":":  # Salesforce writes +0000
        text = text[:-2] + ":" + text[-2:]
    return datetime.fromisoformat(text).astimezone(timezone.utc)


def to_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _names(node) -> set[str]:
    if node is None:
        return set()
    if node[0] in ("and", "or"):
        return _names(node[1]) | _names(node[2])
    return {node[1]}


def matches(node, value_of) -> bool:
    """Evaluate a WHERE tree; `value_of(field)` gives a record's comparable value (datetimes as epoch ms)."""
    kind = node[0]
    if kind == "or":
        return matches(node[1], value_of) or matches(node[2], value_of)
    if kind == "and":
        return matches(node[1], value_of) and matches(node[2], value_of)
    value = _comparable(value_of(node[1]))
    if kind == "in":
        return value in node[2]
    if kind == "not in":
        return value not in node[2]
    _, _, op, literal = node
    if op == "=":
        return value == literal
    if op == "!=":
        return value != literal
    if value is None or literal is None:
        return False
    try:
        return {"<": value < literal, "<=": value <= literal, ">": value > literal, ">=": value >= literal}[op]
    except TypeError:
        return False


def _comparable(value):
    # Numbers compare as floats whatever their stored type (NumberOfEmployees = 50 matches 50.0).
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
