from __future__ import annotations

import ast

from ..context import Context
from ..rule import Invalid, Rule


class UnparsableFile(Rule):
    """## What it does
    Reports a file that cannot be checked: it cannot be read (permission denied, a broken
    symlink, a directory named `*.py`, deleted while the run was going on), it is not valid
    text (undecodable bytes, NUL bytes, an unknown encoding cookie), or it does not parse
    (a syntax error, Python 2 code, nesting deeper than the parser allows).

    ## Why is this bad?
    A file that is silently skipped is a file nobody is checking. The run goes on with the
    other files, and this finding says which file was not checked and why.

    ## Example
    ```python
    print "hello"
    ```

    ## Use instead
    Fix the syntax error, or exclude the file (`extend-exclude` in `[tool.fastapi-lint]`) if
    it is not meant to be Python 3 code, such as a template.

    ## Fix safety
    No fix.
    """

    code = "FAL000"
    name = "unparsable-file"
    message = "Cannot check this file: {reason}"
    valid = [
        """
        x = 1
        """,
        """
        def f():
            return 1
        """,
    ]
    invalid = [
        Invalid(
            """
            print 'hello'
            """,
            expect=[
                "1:1-1:1 Cannot check this file: syntax error: Missing parentheses in call to 'print'. Did you mean print(...)? (Python 2 code?)"
            ],
        ),
        Invalid(
            """
            def f(:
                pass
            """,
            expect=["1:7-1:7 Cannot check this file: syntax error: invalid syntax"],
        ),
        # A NUL byte cannot be written in a source file's text: the example spells it.
        Invalid(
            "x = 1\x00\n",
            expect=[
                "1:1-1:1 Cannot check this file: syntax error: source code string cannot contain null bytes"
            ],
        ),
    ]

    def check(self, node: ast.AST, ctx: Context) -> None:
        # Raised by the engine itself when a file cannot be read or parsed.
        return None
