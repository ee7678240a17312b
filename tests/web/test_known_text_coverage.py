"""Every progress message the code writes as a literal (or an f-string) has a Chinese
entry in web/known_text.py, so a new message cannot reach zh pages in English unnoticed."""

from __future__ import annotations

import ast
from pathlib import Path

from creative_hub.web import known_text

SRC = Path(known_text.__file__).parents[1]
# f-strings whose text is all placeholders: their parts are translated where they are made.
COMPOSED = {"workflows/children.py"}  # f"{label} {n} of {m}", label one of known_text's


def _sample(node: ast.expr) -> str | None:
    """A message as the code would write it, each placeholder as "7"; None if not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [v.value if isinstance(v, ast.Constant) else "7" for v in node.values]
        return "".join(str(p) for p in parts)
    return None


def _messages() -> list[tuple[str, str]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        where = path.relative_to(SRC).as_posix()
        if where.startswith("web/") or where in COMPOSED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            args: list[ast.expr] = []
            if name in ("progress", "_progress") and len(node.args) >= 2:
                args.append(node.args[1])
            args += [k.value for k in node.keywords if k.arg in ("message", "progress_message")]
            for arg in args:
                sample = _sample(arg)
                if sample:
                    found.append((f"{where}:{node.lineno}", sample))
    return found


def test_every_progress_message_has_a_chinese_form() -> None:
    messages = _messages()
    assert len(messages) > 30  # the scan finds the jobs' and providers' messages
    missing = [
        f"{where}: {text!r}" for where, text in messages if known_text.localize("zh", text) == text
    ]
    assert not missing, "add these to web/known_text.py and the zh catalogue:\n" + "\n".join(
        missing
    )
