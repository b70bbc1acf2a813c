"""Composite metric expressions (复合指标): arithmetic, ratio, difference and growth over other metrics."""

import ast
from dataclasses import dataclass

FUNCTIONS = {"ratio": 2, "difference": 2, "growth_mom": 1, "growth_yoy": 1}


class ExpressionError(ValueError):
    """The expression is not one a composite metric may use; the message says why."""


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.Expression
    metrics: tuple[str, ...]
    growth: tuple[tuple[str, str], ...]

    def evaluate(self, current: dict[str, float | None], prior: dict[tuple[str, str], float | None]) -> float | None:
        """The value from the parts' values; None where a denominator is zero or a value is missing.

        `prior[(function, code)]` is the part's value one period (mom) or one year (yoy) earlier.
        """
        return _evaluate(self.tree.body, current, prior)


def parse_expression(text: str) -> Expression:
    if not text.strip():
        raise ExpressionError("an expression over other metrics is required")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ExpressionError(f"not an expression: {error.msg}") from None
    metrics, growth = [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name not in FUNCTIONS or node.keywords or len(node.args) != FUNCTIONS[name]:
                raise ExpressionError(f"functions are {', '.join(f'{f}({n} args)' for f, n in FUNCTIONS.items())}")
            if name.startswith("growth") and not isinstance(node.args[0], ast.Name):
                raise ExpressionError(f"{name} takes a metric code")
            if name.startswith("growth"):
                growth.append((name, node.args[0].id))
        elif isinstance(node, ast.Name):
            if not isinstance(node.ctx, ast.Load):
                raise ExpressionError("only metric codes, numbers and + - * /")
            if node.id not in FUNCTIONS:
                metrics.append(node.id)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ExpressionError("only numbers as constants")
        elif not isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Add | ast.Sub | ast.Mult | ast.Div
                            | ast.USub | ast.Load):
            raise ExpressionError(f"{type(node).__name__} is not allowed: only metric codes, numbers, + - * / "
                                  f"and {', '.join(FUNCTIONS)}")
    if not metrics:
        raise ExpressionError("an expression refers to at least one metric")
    return Expression(text, tree, tuple(dict.fromkeys(metrics)), tuple(dict.fromkeys(growth)))


def _divide(top: float | None, bottom: float | None) -> float | None:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def _evaluate(node: ast.AST, current: dict, prior: dict) -> float | None:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return current.get(node.id)
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, current, prior)
        return None if value is None else -value
    if isinstance(node, ast.Call):
        name = node.func.id
        if name.startswith("growth"):
            now, before = current.get(node.args[0].id), prior.get((name, node.args[0].id))
            return None if now is None else _divide(None if before is None else now - before, before)
        left, right = (_evaluate(a, current, prior) for a in node.args)
        if name == "ratio":
            return _divide(left, right)
        return None if left is None or right is None else left - right
    left, right = _evaluate(node.left, current, prior), _evaluate(node.right, current, prior)
    if isinstance(node.op, ast.Div):
        return _divide(left, right)
    if left is None or right is None:
        return None
    return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right}[type(node.op)]
