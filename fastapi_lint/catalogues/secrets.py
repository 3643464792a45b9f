"""Which names hold secrets (FAL405), as data.

A name is split into lower-case words (snake_case and camelCase). It names a secret when its
*last* word is a secret word, or `key` after a key qualifier. Extend these tables to teach the
rule new vocabulary; the rule's logic does not change.
"""

from __future__ import annotations

# The last word of a name that says the value is a secret.
SECRET_WORDS = frozenset({"secret", "password", "passwd", "token", "apikey", "secretkey"})

# `*_key` is a secret only after one of these (`SECRET_KEY`, `API_KEY`; not `CACHE_KEY`).
KEY_QUALIFIERS = frozenset({"secret", "api", "private", "signing", "jwt", "encryption"})

# Words before `token` that make it a unit of text or a position marker, not a credential:
# language-model tokens (`EOS_TOKEN`, `TIME_TO_FIRST_TOKEN`) and pagination cursors.
NON_CREDENTIAL_TOKEN_QUALIFIERS = frozenset(
    {
        "bos",
        "eos",
        "pad",
        "unk",
        "sep",
        "cls",
        "mask",
        "special",
        "stop",
        "start",
        "end",
        "first",
        "last",
        "input",
        "output",
        "prompt",
        "completion",
        "next",
        "previous",
        "page",
        "continuation",
        "pagination",
        "cancellation",
        "sentinel",
    }
)
