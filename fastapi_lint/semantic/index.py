"""The project index: module summaries merged, and the questions cross-module rules ask.

Names are resolved the way Python would import them: the longest dotted prefix that names a
module of the project, then its module-level names — a definition, an import or alias (followed
to where it points, which makes `__init__` re-exports and `import a.b as c` work), or an
instance of a project class (whose methods are found through its bases). A module's name comes
from `semantic.modules.module_name`, which walks up `__init__.py` files: `src/app/api/users.py`
is `app.api.users`. Files in directories without `__init__.py` (namespace packages, scripts) are
also reachable by the suffixes of their path (`app/routers/users.py` as `app.routers.users` and
`routers.users`) when exactly one file has that suffix.

Anything ambiguous or unknown resolves to nothing, and a condition that needs it does not hold:
the index never guesses.
"""

from __future__ import annotations

import heapq
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ..catalogues.pydantic_v1 import CLASSMETHOD_CONSTRUCTORS, MODEL_BASES, SETTINGS_BASES
from ..catalogues.types import describe_type
from ..diagnostics import Diagnostic
from .model import APP_TYPES

if TYPE_CHECKING:
    from .external import External
from .records import (
    AttributeOf,
    BlocksLoop,
    ClassRecord,
    Condition,
    Fact,
    FunctionRecord,
    InstanceOf,
    IsModel,
    IsRouter,
    Makes,
    MakesCoroutine,
    ModelWithout,
    ModuleSummary,
    NotReceived,
    PlainModel,
    Registers,
    RouterType,
    SettingsModel,
    WildcardRecord,
    WildcardSetting,
    WildcardValue,
)

_MAX_DEPTH = 24  # alias hops and base classes followed before giving up (cycles end here)
_STDLIB = frozenset(sys.stdlib_module_names)
# The app and router classes as a class's bases may name them.
_APP_ROOTS = APP_TYPES | {"fastapi.applications.FastAPI", "fastapi.routing.APIRouter"}

# Decorators that hand back a function which still runs its body every time it is called.
# `functools.cache`/`lru_cache` are not among them: a cached function blocks once, on its first
# call, and is usually a deliberate load-once (found on real code: token validators, settings).
TRANSPARENT_DECORATORS = frozenset(
    {
        "builtins.staticmethod",
        "builtins.classmethod",
        "functools.wraps",
        "typing.overload",
        "typing_extensions.override",
        "typing.override",
    }
)


class _Unrecorded(set):
    """The consulted names of an index that records none: adding keeps nothing."""

    def add(self, name: str) -> None:
        pass

    def update(self, *names: Iterable[str]) -> None:
        pass


_UNRECORDED = _Unrecorded()

# The module names an answer consulted, each once, in no particular order: a tuple, not a
# frozenset, because an index keeps one per answer (see `ProjectIndex._frozen`).
Reads = tuple[str, ...]


class Blocking(NamedTuple):
    """Why a sync project function blocks: the functions called, then the blocking call."""

    chain: tuple[str, ...]  # display names of the functions, callee first
    call: str  # `requests.get`
    code: str  # FAL101 ... FAL105
    path: str
    row: int


class _Tables(NamedTuple):
    """One module's definitions, filed under its key (see `ProjectIndex._key`)."""

    functions: dict[str, FunctionRecord]  # the last `def` of each name
    first: dict[str, int]  # where each name is first defined: its place among all functions
    classes: dict[str, ClassRecord]
    names: dict[str, str]
    instances: dict[str, str]


class ProjectIndex:
    """The project's modules, each loaded when a question first reaches it.

    Every module is known by its display path and module name from the start (which names
    exist, which two files share, the suffix aliases); its summary and tables are loaded
    and built on first use. An index built from summaries has them all at hand; `lazy`
    takes a loader instead, so that a run in which one file changed decodes only the
    modules its questions reach (`project.py`).

    Each answer records the module names it consulted, found or not (`deps`), so that the
    caller knows which changes could alter it: a fact whose names include none of the
    modules that changed (old or new name, and their path aliases) resolves as before.
    An index made with `record_reads=False` keeps no such names (a whole-project run without
    the result cache, whose index nobody updates afterwards: the names were more than half
    of its memory); `with_module` on it then keeps no answer that could depend on the module.
    `keep_reads_of` narrows what is kept to the names a caller can ever ask about.
    """

    def __init__(
        self,
        summaries: Iterable[ModuleSummary],
        external: External | None = None,
        *,
        record_reads: bool = True,
    ) -> None:
        loaded: list[ModuleSummary | None] = list(summaries)
        heads = [(s.path, s.module) for s in loaded if s is not None]
        self.record_reads = record_reads
        self._setup(heads, loaded, None, external)

    @classmethod
    def lazy(
        cls,
        heads: Sequence[tuple[str, str]],
        load: Callable[[int], ModuleSummary],
        external: External | None = None,
    ) -> ProjectIndex:
        """An index of the modules `heads` ((display path, module name), in run order) whose
        summaries `load(position)` gives when first needed."""
        new = object.__new__(cls)
        new.record_reads = True
        new._setup(list(heads), [None] * len(heads), load, external)
        return new

    def _setup(
        self,
        heads: list[tuple[str, str]],
        loaded: list[ModuleSummary | None],
        load: Callable[[int], ModuleSummary] | None,
        external: External | None,
    ) -> None:
        # Names outside the project: installed packages and the catalogue (None: neither).
        self.external = external
        self._heads = heads
        self._loaded = loaded
        self._load = load
        self._slot_of: dict[int, int] = {id(s): n for n, s in enumerate(loaded) if s is not None}
        modules: dict[str, int | None] = {}  # None: two files claim the name
        for slot, (_, name) in enumerate(heads):
            modules[name] = None if name in modules else slot
        self._modules = modules
        self._aliases = _Aliases(heads, modules)
        # The name each module's definitions are filed under: its module name, or for a name
        # two files share, a private key (`jobs@2`) that only the module itself reaches (as
        # `home`): `jobs.work` then means each file's own `work` inside that file, and
        # nothing elsewhere.
        # Keys and paths are looked up from `heads` and `modules` when asked (`_key`,
        # `_slot_of_key`, `_slot_of_path`): tables of ten thousand of each cost an index set up
        # for a few questions (one file changed) more than its answers.
        self._by_path: dict[str, int] | None = None
        # The consulted names worth keeping with an answer (None: every one): see
        # `keep_reads_of`.
        self._kept_reads: frozenset[str] | None = None
        self._clear()

    def keep_reads_of(self, names: frozenset[str]) -> None:
        """Keep, of the names each answer consulted, only `names`: the only ones whose change
        the caller will ask about (the project pass stores an answer's names as positions in
        the project's names; `with_module` asks about the names of a module the index has).
        Most names an answer consults are not the project's (`requests`, `os.path`): on
        litellm, 23 % of them were, and the kept sets of names took 251 MB of the 308 MB its
        project pass allocated."""
        self._kept_reads = names

    def _key(self, slot: int) -> str:
        name = self._heads[slot][1]
        return name if self._modules.get(name) == slot else f"{name}@{slot}"

    def _slot_of_key(self, key: str) -> int | None:
        """The slot whose definitions are filed under `key` (see `_key`): most often a module
        name of one file; else the private key of a module name two files share (`jobs@2`)."""
        slot = self._modules.get(key)
        if slot is not None or "@" not in key:
            return slot
        _, at, number = key.rpartition("@")
        if at and number.isdigit():
            slot = int(number)
            if slot < len(self._heads) and self._key(slot) == key:
                return slot
        return None

    def _slot_of_path(self, path: str) -> int | None:
        if self._by_path is None:
            self._by_path = {}
            for slot, (shown, _) in enumerate(self._heads):
                self._by_path.setdefault(shown, slot)  # the first one wins
        return self._by_path.get(path)

    def _clear(self) -> None:
        """Forget every answer (the tables stay)."""
        self._tables: dict[int, _Tables] = {}
        self._entries: dict[
            str,
            tuple[
                tuple[FunctionRecord, ModuleSummary, tuple[int, int]] | None,
                ClassRecord | None,
                tuple[str, ...],
            ],
        ] = {}
        self._resolved: dict[tuple[str, str], tuple[tuple[str, str] | None, Reads]] = {}
        # Why each sync function blocks (or None), with the names that answer read.
        self._blocking: dict[
            str,
            tuple[Blocking | None, int | None, tuple[tuple[int, int], ...] | None, Reads],
        ] = {}
        # Each module's call edges between project functions, by caller, resolved once per
        # module: the blocking chains are walked over them.
        self._edges: dict[int, tuple[dict[str, list[tuple[tuple[int, int], str]]], Reads]] = {}
        # The module names consulted by the question being answered (see `answer`).
        self.deps: set[str] = self._reads()
        # One copy of each set of consulted names, by the hash of the names as a set: most
        # answers read the same few modules, and a copy per answer doubled the memory of a
        # whole-corpus run.
        self._sets: dict[int, list[Reads]] = {}

    def _reads(self) -> set[str]:
        """A new collection of consulted names (one that keeps nothing when not recording)."""
        return set() if self.record_reads else _UNRECORDED

    def _frozen(self, names: set[str]) -> Reads:
        """The names kept of those an answer consulted, as the one stored copy of them.

        A tuple takes a quarter of a frozenset's memory (8 bytes a name against a hash table's
        slots): the sets kept by a project run that writes the cache were 62 MB of the 147 MB
        its project pass allocated on the corpus. What is done with them needs no hashing:
        add them to an outer answer's names, test them against a few changed names."""
        if not self.record_reads:
            return ()
        kept = self._kept_reads
        frozen = frozenset(names) if kept is None else kept.intersection(names)
        same = self._sets.setdefault(hash(frozen), [])
        for stored in same:
            if len(stored) == len(frozen) and frozen.issuperset(stored):
                return stored
        stored = tuple(frozen)
        same.append(stored)
        return stored

    @property
    def summaries(self) -> list[ModuleSummary]:
        """Every module's summary, in order (loads them all)."""
        return [self._summary(slot) for slot in range(len(self._heads))]

    def __len__(self) -> int:
        return len(self._heads)

    def module_names(self) -> set[str]:
        """Every name a module of the project can be imported by (names and path aliases)."""
        return {*self._modules, *self._aliases.all()}

    def _summary(self, slot: int) -> ModuleSummary:
        summary = self._loaded[slot]
        if summary is None:
            assert self._load is not None
            summary = self._loaded[slot] = self._load(slot)
            self._slot_of[id(summary)] = slot
        return summary

    def _tables_of(self, slot: int) -> _Tables:
        tables = self._tables.get(slot)
        if tables is None:
            summary = self._summary(slot)
            key = self._key(slot)
            rename = key != summary.module
            functions: dict[str, FunctionRecord] = {}
            first: dict[str, int] = {}
            for number, function in enumerate(summary.functions):
                if rename:
                    function = function._replace(qualname=_rekey(function.qualname, summary, key))
                first.setdefault(function.qualname, number)
                functions[function.qualname] = function
            classes: dict[str, ClassRecord] = {}
            for cls in summary.classes:
                if rename:
                    cls = cls._replace(qualname=_rekey(cls.qualname, summary, key))
                classes[cls.qualname] = cls
            tables = _Tables(
                functions, first, classes, dict(summary.imports), dict(summary.instances)
            )
            self._tables[slot] = tables
        return tables

    def _own(self, summary: ModuleSummary) -> _Tables | None:
        slot = self._slot_of.get(id(summary))
        return self._tables_of(slot) if slot is not None else None

    def _key_of(self, summary: ModuleSummary) -> str:
        return self._key(self._slot_of[id(summary)])

    def _entry(
        self, qualname: str
    ) -> tuple[tuple[FunctionRecord, ModuleSummary, tuple[int, int]] | None, ClassRecord | None]:
        """The function and the class filed under `qualname`, each None when there is none.

        A qualified name is filed under the key of its module, a dotted prefix of it; when
        two modules file the same name (module `a.b`'s `c` and class `b` of module `a`'s
        method `c`), the later module's wins, and the function keeps the place where the name
        was first defined (the order the blocking chains are walked in).
        """
        found = self._entries.get(qualname)
        if found is None:
            parts = qualname.split(".")
            names = []
            function = None
            place = None
            cls = None
            for end in range(1, len(parts)):
                prefix = ".".join(parts[:end])
                # One copy of each name: every entry keeps its names, and the copies made
                # here were 10 MB of a corpus run that writes the cache.
                names.append(sys.intern(prefix.partition("@")[0]))
                slot = self._slot_of_key(prefix)
                if slot is None:
                    continue
                tables = self._tables_of(slot)
                record = tables.functions.get(qualname)
                if record is not None:
                    if place is None or slot < place[0]:
                        place = (slot, tables.first[qualname])
                    if function is None or slot > function[0]:
                        function = (slot, record)
                own_class = tables.classes.get(qualname)
                if own_class is not None and (cls is None or slot > cls[0]):
                    cls = (slot, own_class)
            entry = None
            if function is not None and place is not None:
                entry = (function[1], self._summary(function[0]), place)
            found = (
                entry,
                cls[1] if cls is not None else None,
                tuple(names) if self.record_reads else (),
            )
            self._entries[qualname] = found
        self.deps.update(found[2])
        return found[0], found[1]

    def _function_entry(self, qualname: str) -> tuple[FunctionRecord, ModuleSummary] | None:
        entry = self._entry(qualname)[0]
        return (entry[0], entry[1]) if entry is not None else None

    def _class(self, qualname: str) -> ClassRecord | None:
        return self._entry(qualname)[1]

    def answer(
        self, summary: ModuleSummary, facts: Sequence[Fact] | None = None
    ) -> tuple[list[Diagnostic], Reads]:
        """The module's findings (`diagnostics`), and the module names the answer consulted:
        it stands as long as no module of those names (or path aliases) changes."""
        outer = self.deps
        self.deps = self._reads()
        self.deps.add(summary.module)
        try:
            found = self.diagnostics(summary, facts)
            return found, self._frozen(self.deps)
        finally:
            # In place: `outer | self.deps` copied the growing outer set at every module.
            outer.update(self.deps)
            self.deps = outer

    def with_module(self, summary: ModuleSummary, *, in_place: bool = False) -> ProjectIndex:
        """This index with `summary` in place of the file at the same path (or added).

        Used when one file is re-linted (the fix loop, the flake8 plugin with a cached index, the
        language server at every edit): its fresh summary replaces the one the index was built
        from. When the file keeps its module name (the common case), the new index shares
        every other module's tables with this one and keeps the answers that did not read
        the module (each answer knows the module names it consulted). This index is left as
        it was, unless `in_place` (the language server, which keeps one index): then it is
        updated and returned, and nothing is copied.
        """
        slot = self._slot_of_path(summary.path)
        if slot is None or self._heads[slot][1] != summary.module:
            others = [s for s in self.summaries if s.path != summary.path]
            return ProjectIndex([*others, summary], self.external, record_reads=self.record_reads)
        old = self._loaded[slot]
        changed = {summary.module, *path_aliases(summary.path, summary.module)}

        def stale(names: Reads) -> bool:
            # Without recorded names, any answer may have read the module.
            return not self.record_reads or not changed.isdisjoint(names)

        # Other modules' answers stand unless they read this module; the blocking chains
        # also stand while the module keeps what they are made of (an edit inside a
        # function body: every keystroke in an editor).
        same = old is not None and _chain_shape(old) == _chain_shape(summary)
        if in_place:
            if old is not None:
                del self._slot_of[id(old)]
            self._loaded[slot] = summary
            self._slot_of[id(summary)] = slot
            self._tables.pop(slot, None)
            self._entries = {}
            self._resolved = {}
            if not same:
                for qualname in [q for q, v in self._blocking.items() if stale(v[3])]:
                    del self._blocking[qualname]
            for stale_slot in [k for k, v in self._edges.items() if k == slot or stale(v[1])]:
                del self._edges[stale_slot]
            return self
        new = object.__new__(ProjectIndex)
        new.record_reads = self.record_reads
        new.external = self.external
        new._heads = self._heads
        new._loaded = list(self._loaded)
        new._loaded[slot] = summary
        new._load = self._load
        new._slot_of = {k: v for k, v in self._slot_of.items() if v != slot}
        new._slot_of[id(summary)] = slot
        new._modules = self._modules
        new._aliases = self._aliases
        new._by_path = self._by_path
        new._kept_reads = self._kept_reads
        new._tables = {k: v for k, v in self._tables.items() if k != slot}
        new._entries = {}
        new._resolved = {}
        new._blocking = (
            dict(self._blocking)
            if same
            else {q: v for q, v in self._blocking.items() if not stale(v[3])}
        )
        new._edges = {k: v for k, v in self._edges.items() if k != slot and not stale(v[1])}
        new.deps = new._reads()
        new._sets = self._sets
        return new

    # ----------------------------------------------------------- resolution

    def module(self, name: str, home: ModuleSummary | None = None) -> ModuleSummary | None:
        self.deps.add(name)
        if home is not None and name == home.module:
            return home
        slot = self._modules.get(name)
        if slot is None and name not in self._modules:
            slot = self._aliases.get(name)
        return self._summary(slot) if slot is not None else None

    def resolve(self, dotted: str, home: ModuleSummary | None = None) -> tuple[str, str] | None:
        """What a dotted name means in the project: ("function" | "class" | "module" |
        "instance", qualified name or type); None when it is not (known to be) project code.

        `home` is the module asking: its own name always means itself, even when another file
        has the same module name.
        """
        key = (home.path if home is not None else "", dotted)
        known = self._resolved.get(key)
        if known is not None:
            self.deps.update(known[1])
            return known[0]
        self._resolved[key] = (None, ())  # a cycle through this name: nothing
        outer = self.deps
        self.deps = self._reads()
        try:
            result = self._resolve(dotted, home, 0)
        finally:
            names, self.deps = self.deps, outer
        self._resolved[key] = (result, self._frozen(names))
        outer.update(names)
        return result

    def _resolve(
        self, dotted: str, home: ModuleSummary | None, depth: int
    ) -> tuple[str, str] | None:
        if depth > _MAX_DEPTH:
            return None
        function, cls = self._entry(dotted)
        if function is not None:
            return ("function", dotted)
        if cls is not None:
            return ("class", dotted)
        parts = dotted.split(".")
        self.deps.add(parts[0])
        if parts[0] in _STDLIB and parts[0] not in self._modules:
            return None
        for i in range(len(parts), 0, -1):
            summary = self.module(".".join(parts[:i]), home)
            if summary is not None:
                return self._member(summary, parts[i:], home, depth)
        return None

    def _member(
        self, summary: ModuleSummary, rest: list[str], home: ModuleSummary | None, depth: int
    ) -> tuple[str, str] | None:
        if not rest:
            return ("module", summary.module)
        head, tail = rest[0], rest[1:]
        qualname = f"{self._key_of(summary)}.{head}"
        function, cls = self._entry(qualname)
        if function is not None and function[1] is summary:
            if not tail:
                return ("function", qualname)
            # `make_repo.fetch`: how this module names a method of what `make_repo()`
            # returns, as a receiver's type (see `returned_class`).
            return self._returned_method(qualname, tail, depth)
        if cls is not None:
            if not tail:
                return ("class", qualname)
            if len(tail) == 1:
                method = self.method(qualname, tail[0])
                return ("function", method) if method is not None else None
            return None
        own = self._own(summary)
        names = own.names if own is not None else {}
        target = names.get(head)
        if target is not None:
            if target == qualname:
                return None  # `import app` inside package `app`'s own module: not a definition
            return self._resolve(".".join([target, *tail]), home, depth + 1)
        instance = own.instances.get(head) if own is not None else None
        if instance is not None:
            if not tail:
                return ("instance", instance)
            if len(tail) == 1:
                owner = self._resolve(instance, home, depth + 1)
                if owner is not None and owner[0] == "class":
                    method = self.method(owner[1], tail[0])
                    return ("function", method) if method is not None else None
                if owner is not None and owner[0] == "function":
                    # `db = make_db()` in that module: an instance of what `make_db` returns.
                    return self._returned_method(owner[1], tail, depth)
            return None
        if "*" in names:
            return self._starred(summary, rest, home, depth)
        return None

    def _starred(
        self, summary: ModuleSummary, rest: list[str], home: ModuleSummary | None, depth: int
    ) -> tuple[str, str] | None:
        """A name the module has from `from m import *`: the last such module of the project
        that has it (a later star import shadows an earlier one)."""
        if depth > _MAX_DEPTH:
            return None  # star imports in a cycle
        for name, module in reversed(summary.imports):
            if name != "*":
                continue
            found = self.module(module, home)
            if found is None or found is summary:
                continue
            member = self._member(found, rest, home, depth + 1)
            if member is not None:
                return member
        return None

    def _returned_method(
        self, function: str, tail: list[str], depth: int
    ) -> tuple[str, str] | None:
        if len(tail) != 1:
            return None
        cls = self.returned_class(function, depth + 1)
        method = self.method(cls, tail[0]) if cls is not None else None
        return ("function", method) if method is not None else None

    def returned_class(self, function: str, depth: int = 0) -> str | None:
        """The project class whose instance calling the project function `function` (a
        qualified name in the index) gives: what its module recorded it returns
        (`FunctionRecord.returns`), followed through functions of other modules whose result
        it returns. None when unknown or not a class of the project."""
        entry = self._function_entry(function)
        if entry is None or depth > _MAX_DEPTH or not entry[0].returns:
            return None
        found = self._resolve(entry[0].returns, entry[1], depth + 1)
        if found is None:
            return None
        if found[0] == "class":
            return found[1]
        if found[0] == "function" and found[1] != function:
            return self.returned_class(found[1], depth + 1)
        return None

    def resolve_class(self, dotted: str, home: ModuleSummary | None = None) -> str | None:
        found = self.resolve(dotted, home)
        return found[1] if found is not None and found[0] == "class" else None

    def method(self, cls: str, name: str, depth: int = 0) -> str | None:
        """The qualified name of the method `name` that class `cls` uses (own or inherited
        through project bases, in declaration order); None when it comes from elsewhere."""
        record = self._class(cls)
        if record is None or depth > _MAX_DEPTH:
            return None
        if name in record.members:
            qualname = f"{cls}.{name}"
            return qualname if self._function_entry(qualname) is not None else None
        home = self._home_of(cls)
        for base in record.bases:
            resolved = self.resolve_class(base, home)
            if resolved is None:
                return None  # a base outside the project may define it: unknown
            found = self.method(resolved, name, depth + 1)
            if found is not None:
                return found
        return None

    def _home_of(self, qualname: str) -> ModuleSummary | None:
        parts = qualname.split(".")
        for i in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:i])
            self.deps.add(prefix.partition("@")[0])
            slot = self._slot_of_key(prefix)
            if slot is not None:
                return self._summary(slot)
        return None

    def function(self, dotted: str, home: ModuleSummary | None = None) -> FunctionRecord | None:
        found = self.resolve(dotted, home)
        if found is None or found[0] != "function":
            return None
        entry = self._function_entry(found[1])
        assert entry is not None
        return entry[0]

    def location(self, qualname: str) -> ModuleSummary | None:
        entry = self._function_entry(qualname)
        return entry[1] if entry is not None else None

    def _display(self, record: FunctionRecord, summary: ModuleSummary) -> str:
        """`fetch_profile`, or `ProfileCache.get` for a method."""
        return record.qualname.removeprefix(self._key_of(summary) + ".")

    # ------------------------------------------------------------ questions

    def is_model(self, cls: str) -> bool:
        """Do the class's bases reach a Pydantic model base through project classes, and
        beyond the project through the installed packages or the catalogue (`External`)?"""
        bases = self.external.model_bases if self.external is not None else MODEL_BASES
        return self.is_subclass(cls, bases)

    def is_settings(self, cls: str) -> bool:
        """Is the class a Pydantic settings class (`BaseSettings`, v1's or pydantic-settings')?"""
        return self.is_subclass(cls, SETTINGS_BASES)

    def is_subclass(self, cls: str, roots: frozenset[str], depth: int = 0) -> bool:
        """Does the class reach one of `roots` through project classes, and beyond the project
        through the installed packages or the catalogue?"""
        if cls in roots:
            return True
        record = self._class(cls)
        if record is None:
            return self._external_subclass(cls, roots)
        if depth > _MAX_DEPTH:
            return False
        home = self._home_of(cls)
        for base in record.bases:
            if base in roots:
                return True
            resolved = self.resolve_class(base, home)
            if resolved is not None:
                if self.is_subclass(resolved, roots, depth + 1):
                    return True
            elif self.resolve(base, home) is None and self._external_subclass(base, roots):
                return True
        return False

    def _external_subclass(self, name: str, roots: frozenset[str]) -> bool:
        return self.external is not None and self.external.is_subclass(name, roots)

    def _external_model(self, name: str) -> bool:
        return self.external is not None and self.external.is_model(name)

    def defines(self, cls: str, member: str, depth: int = 0) -> bool:
        """Does the class, or a project base of it, define `member` itself? (An installed
        class that does, or whose bases cannot be read, counts as defining it.)"""
        record = self._class(cls)
        if record is None and self.external is not None and self.resolve(cls) is None:
            return self.external.defines(cls, member) is not False
        if record is None or depth > _MAX_DEPTH:
            return False
        if member in record.members:
            return True
        home = self._home_of(cls)
        for base in record.bases:
            resolved = self.resolve_class(base, home)
            if resolved is not None and self.defines(resolved, member, depth + 1):
                return True
        return False

    def model(self, name: str, home: ModuleSummary | None = None) -> str | None:
        """The project model class a type name stands for: `schemas.User`, also the recorded
        type of a classmethod constructor's result (`schemas.User.parse_obj`)."""
        found = self.resolve(name, home)
        cls = None
        if found is not None and found[0] == "class":
            cls = found[1]
        elif found is not None and found[0] == "instance":
            cls = self.resolve_class(found[1], self._home_of(name))  # `settings = Settings()`
        if cls is None:
            owner, _, method = name.rpartition(".")
            if method in CLASSMETHOD_CONSTRUCTORS:
                cls = self.resolve_class(owner, home)
                if cls is None and found is None and self._external_model(owner):
                    return owner  # `CamelThing.parse_obj(...)` of an installed model
        if cls is None and found is None and self._external_model(name):
            return name  # a class of an installed package (or the catalogue) that is a model
        return cls if cls is not None and self.is_model(cls) else None

    def is_router(self, name: str, home: ModuleSummary | None = None) -> bool:
        """Is the object `name` a FastAPI app or APIRouter created in the project (also from
        a subclass, or by a function annotated to return one)?"""
        found = self.resolve(name, home)
        if found is None or found[0] != "instance":
            return False
        return self.is_router_type(found[1], self._home_of(name))

    def is_router_type(self, type_: str, home: ModuleSummary | None = None, depth: int = 0) -> bool:
        """Is a value of type `type_` a FastAPI app or APIRouter: one of them, a subclass of
        one (`class V1Router(APIRouter)`, in any module or an installed package), or — as a
        module records the result of calling a function it cannot see — what a project
        function annotated `-> APIRouter` returns?"""
        if type_ in APP_TYPES:
            return True
        if depth > _MAX_DEPTH:
            return False
        found = self.resolve(type_, home)
        if found is None:
            return self._external_subclass(type_, _APP_ROOTS)
        if found[0] == "class":
            return self.is_subclass(found[1], _APP_ROOTS)
        if found[0] == "function":
            entry = self._function_entry(found[1])
            assert entry is not None
            record, summary = entry
            if not record.returns or record.is_generator:
                return False
            return self.is_router_type(record.returns, summary, depth + 1)
        return False

    def instance_type(self, name: str, home: ModuleSummary | None = None) -> str | None:
        """The class of the module-level object `name` (`app.clients.http`), as a type checker
        would infer it: what its module records it is bound to (`httpx.Client()`), where a
        project function's name means what that function returns, followed across modules
        (`http = make_client()`, `make_client` returning `httpx.Client(...)`). A project class
        by its qualified name, any other by its canonical name; None when unknown."""
        found = self.resolve(name, home)
        if found is None or found[0] != "instance":
            return None
        return self._made(found[1], self._home_of(name), 0)

    def attribute_type(
        self, cls: str, attr: str, home: ModuleSummary | None = None, depth: int = 0
    ) -> str | None:
        """The type of attribute `attr` of instances of the project class `cls` (a name as
        `home` knows it): as the class's module types it (`ClassRecord.attributes`), else the
        nearest project base that declares it, in order; followed as `instance_type` follows
        a module-level object. None when unknown, or declared without a known type."""
        resolved = self.resolve_class(cls, home)
        record = self._class(resolved) if resolved is not None else None
        if record is None or depth > _MAX_DEPTH:
            return None
        owner = self._home_of(record.qualname)
        for name, type_ in record.attributes:
            if name == attr:
                return self._made(type_, owner, 0)
        if attr in record.members:
            return None  # declared here, of a type its module does not know
        for base in record.bases:
            found = self.attribute_type(base, attr, owner, depth + 1)
            if found is not None:
                return found
        return None

    def _made(self, type_: str, home: ModuleSummary | None, depth: int) -> str | None:
        """What a recorded type stands for (see `instance_type`)."""
        if depth > _MAX_DEPTH:
            return None
        found = self.resolve(type_, home)
        if found is None:
            return type_  # outside the project: canonical already
        if found[0] == "class":
            return found[1]
        if found[0] == "function":
            entry = self._function_entry(found[1])
            assert entry is not None
            record, summary = entry
            if not record.returns or record.is_async or record.is_generator:
                return None
            return self._made(record.returns, summary, depth + 1)
        return None

    def made(
        self, name: str, home: ModuleSummary | None = None
    ) -> tuple[str, str, tuple[str, ...]] | None:
        """What calling the project function `name` gives, as its module recorded it and
        followed through functions of other modules whose result it returns: (the class, the
        callable outside the project that makes it or "", the functions it goes through, for
        messages: `` `create_db_engine()` (app/db.py) ``, then each further one). A project
        class by its qualified name; None when unknown."""
        record = self.function(name, home)
        through: list[str] = []
        for _ in range(_MAX_DEPTH):
            if record is None or not record.returns or record.is_async or record.is_generator:
                return None
            entry = self._function_entry(record.qualname)
            assert entry is not None
            summary = entry[1]
            through.append(f"`{self._display(record, summary)}()` ({summary.path})")
            through.extend(f"`{v}()`" for v in record.via)
            found = self.resolve(record.returns, summary)
            if found is None:
                return record.returns, record.maker, tuple(through)
            if found[0] == "class":
                return found[1], "", tuple(through)
            if found[0] != "function" or found[1] == record.qualname:
                return None
            record = self.function(found[1], summary)
        return None

    def coroutine_function(self, name: str, home: ModuleSummary | None = None) -> bool:
        """Does calling `name` create a coroutine: a project `async def`, not a generator,
        whose decorators (if any) are known to hand the function back unchanged?"""
        record = self.function(name, home)
        if record is None or not record.is_async or record.is_generator:
            return False
        if not record.decorators:
            return True
        if record.route is not None and len(record.decorators) == 1:
            return self.routes_on_router(record)
        return all(d in TRANSPARENT_DECORATORS for d in record.decorators)

    def wildcard_setting(self, name: str, field: str, home: ModuleSummary | None = None) -> bool:
        """Is `name` a module-level instance of a project settings class whose `field`
        defaults to a literal holding "*"? The field's default is read where it is declared:
        the class, else the nearest project base that declares it (an installed base, or one
        the index cannot resolve, leaves it unknown)."""
        found = self.resolve(name, home)
        if found is None or found[0] != "instance":
            return False
        cls = self.resolve_class(found[1], self._home_of(name))
        if cls is None or not self.is_settings(cls):
            return False
        for _ in range(_MAX_DEPTH):
            record = self._class(cls)
            if record is None:
                return False
            if field in record.members:
                return field in record.wildcards
            home_of = self._home_of(cls)
            bases = [self.resolve_class(base, home_of) for base in record.bases]
            below = [b for b in bases if b is not None and field in self._declared(b)]
            if not below:
                return False
            cls = below[0]
        return False

    def wildcard_value(
        self, name: str, home: ModuleSummary | None = None
    ) -> tuple[WildcardRecord, str] | None:
        """The record of the module-level name `name` (`app.config.ORIGINS`, followed through
        imports and re-exports) if its value may let every origin in, with its module's path."""
        for _ in range(_MAX_DEPTH):
            module, _, head = name.rpartition(".")
            summary = self.module(module, home) if module else None
            if summary is None:
                return None
            for record in summary.wildcards:
                if record.name == head:
                    return record, summary.path
            own = self._own(summary)
            target = own.names.get(head) if own is not None else None
            if target is None or target == name:
                return None
            name = target
        return None

    def _declared(self, cls: str, depth: int = 0) -> set[str]:
        """The fields a project class and its project bases declare."""
        record = self._class(cls)
        if record is None or depth > _MAX_DEPTH:
            return set()
        names = set(record.members)
        home = self._home_of(cls)
        for base in record.bases:
            resolved = self.resolve_class(base, home)
            if resolved is not None:
                names |= self._declared(resolved, depth + 1)
        return names

    def routes_on_router(self, record: FunctionRecord) -> bool:
        """Is the route decorator of `record` called on an app or router?"""
        route = record.route
        if route is None:
            return False
        home = self.location(record.qualname)
        if route.owner:
            return self.is_router(route.owner, home)
        return self.is_router_type(route.owner_type, home)

    def received(
        self, name: str, home: ModuleSummary | None = None, depth: int = 0
    ) -> frozenset[str] | None:
        """The parameter names a dependency `name` receives, through its own dependencies;
        None when unknown (not project code, `**kwargs`, a class, an unresolvable marker)."""
        if depth > 10:
            return None
        found = self.resolve(name, home)
        if found is None:
            return None
        if found[0] == "instance":
            return frozenset() if found[1].startswith("fastapi.security.") else None
        if found[0] != "function":
            return None
        entry = self._function_entry(found[1])
        assert entry is not None
        record, summary = entry
        if record.kwarg:
            return None
        names = set(record.params) - set(record.unfilled)
        for dependency in record.depends:
            if dependency == "?":
                return None
            below = self.received(dependency, summary, depth + 1)
            if below is None:
                return None
            names |= below
        return frozenset(names)

    def registers(
        self, name: str, argument: str, kind: str, home: ModuleSummary | None = None
    ) -> bool:
        """Does function `name`, given an app as `argument`, add middleware of `kind` to it?"""
        record = self.function(name, home)
        if record is None:
            return False
        entry = self._function_entry(record.qualname)
        assert entry is not None
        summary = entry[1]
        if record.qualname != f"{self._key_of(summary)}.{record.name}":
            return False  # a method: positions would count `self`
        if argument.isdigit():
            position = int(argument)
            if position >= len(record.params):
                return False
            parameter = record.params[position]
        else:
            parameter = argument
        want = kind == "cors"
        return any(p == parameter and cors == want for p, cors in record.middleware)

    def blocking(self, name: str, home: ModuleSummary | None = None) -> Blocking | None:
        """Why calling `name` blocks, if it is a sync project function that makes a
        FAL101–FAL105 call, directly or through further sync project functions."""
        record = self.function(name, home)
        if record is None:
            return None
        return self._chain(record.qualname)

    def _runs_when_called(self, record: FunctionRecord) -> bool:
        """Calling it runs its body now, in the caller's thread."""
        if record.is_async or record.is_generator or record.accepted:
            return False
        return all(d in TRANSPARENT_DECORATORS for d in record.decorators)

    def _chain(self, qualname: str) -> Blocking | None:
        """The shortest chain from the function `qualname` to a blocking call, if any.

        The chains are those of one breadth-first walk backwards from every function that
        blocks directly (in the order the functions are first defined), over every call
        edge (in the order of the modules and of the calls in them), the first found kept.
        Such a walk reaches a function only through the functions it calls, so an answer
        needs only what is reachable from it: `_walk` goes there from `qualname`, and stops
        at the functions answered before, whose distance and place in the walk's order are
        kept with their answer.
        """
        known = self._blocking.get(qualname)
        if known is None:
            self._walk(qualname)
            known = self._blocking[qualname]
        self.deps.update(known[3])
        return known[0]

    def _walk(self, start: str) -> None:
        """Answer `_chain` for `start` and every function reachable from it not yet answered."""
        outer = self.deps
        self.deps = self._reads()
        try:
            new = [start]
            seen = {start}
            outgoing: dict[str, list[tuple[tuple[int, int], str]]] = {}
            answered: list[str] = []
            position = 0
            while position < len(new):
                caller = new[position]
                position += 1
                entry = self._entry(caller)[0]
                if entry is None or not self._runs_when_called(entry[0]):
                    continue
                edges = self._module_edges(self._slot_of[id(entry[1])]).get(caller, [])
                outgoing[caller] = edges
                for _, callee in edges:
                    if callee in seen:
                        continue
                    seen.add(callee)
                    known = self._blocking.get(callee)
                    if known is not None:
                        self.deps.update(known[3])
                        answered.append(callee)
                    else:
                        new.append(callee)
            # A walk in order of (distance, place): a function's place is its first
            # definition's for one that blocks directly, else its chain's next function's
            # place followed by the edge's (the order a breadth-first queue has them in).
            found: dict[str, tuple[Blocking, int, tuple[tuple[int, int], ...]]] = {}
            heap: list[tuple[int, tuple[tuple[int, int], ...], str]] = []
            for function in new:
                entry = self._entry(function)[0]
                if entry is None:
                    continue
                record, summary, place = entry
                if record.blocking and self._runs_when_called(record):
                    first = record.blocking[0]
                    chain = Blocking(
                        (self._display(record, summary),),
                        first.name,
                        first.code,
                        summary.path,
                        first.row,
                    )
                    found[function] = (chain, 0, (place,))
                    heap.append((0, (place,), function))
            for function in answered:
                _, level, order, _ = self._blocking[function]
                if level is not None and order is not None:
                    heap.append((level, order, function))
            heapq.heapify(heap)
            callers: dict[str, list[tuple[tuple[int, int], str]]] = {}
            for caller, edges in outgoing.items():
                for edge, callee in edges:
                    callers.setdefault(callee, []).append((edge, caller))
            for waiting in callers.values():
                waiting.sort()
            while heap:
                level, order, blocking = heapq.heappop(heap)
                below = found[blocking][0] if blocking in found else self._blocking[blocking][0]
                assert below is not None
                for edge, caller in callers.get(blocking, ()):
                    if caller in found:
                        continue
                    entry = self._entry(caller)[0]
                    assert entry is not None
                    chain = below._replace(chain=(self._display(entry[0], entry[1]), *below.chain))
                    found[caller] = (chain, level + 1, (*order, edge))
                    heapq.heappush(heap, (level + 1, (*order, edge), caller))
        finally:
            names, self.deps = self.deps, outer
        outer.update(names)
        consulted = self._frozen(names)
        for function in new:
            if function in found:
                chain, level, order = found[function]
                self._blocking[function] = (chain, level, order, consulted)
            else:
                self._blocking[function] = (None, None, None, consulted)

    def _module_edges(self, slot: int) -> dict[str, list[tuple[tuple[int, int], str]]]:
        """The calls of a module's sync functions to project functions, by caller: (place of
        the edge among all the project's, callee)."""
        known = self._edges.get(slot)
        if known is None:
            outer = self.deps
            self.deps = self._reads()
            try:
                summary = self._summary(slot)
                key = self._key(slot)
                rename = key != summary.module
                edges: dict[str, list[tuple[tuple[int, int], str]]] = {}
                count = 0
                for record in summary.functions:
                    if not self._runs_when_called(record):
                        continue
                    qualname = _rekey(record.qualname, summary, key) if rename else record.qualname
                    entry = self._function_entry(qualname)
                    if entry is None or entry[0].calls is not record.calls:
                        continue  # redefined further down the module: the last `def` is called
                    for call in record.calls:
                        callee = self.function(call.callee, summary)
                        if callee is not None and callee.qualname != qualname:
                            edges.setdefault(qualname, []).append(((slot, count), callee.qualname))
                            count += 1
            finally:
                names, self.deps = self.deps, outer
            known = self._edges[slot] = (edges, self._frozen(names))
            outer.update(names)
        else:
            self.deps.update(known[1])
        return known[0]

    # ------------------------------------------------------------ conditions

    def diagnostics(
        self, summary: ModuleSummary, facts: Sequence[Fact] | None = None
    ) -> list[Diagnostic]:
        """The module's deferred facts (`summary.facts`, or `facts` when the summary is kept
        without them) that the index confirms, as findings (pass 2)."""
        found = []
        seen: set[tuple[str, int, int]] = set()  # one finding per rule and place
        for fact in summary.facts if facts is None else facts:
            if (fact.code, fact.row, fact.col) in seen:
                continue
            values = dict(fact.values)
            for condition in fact.requires:
                extra = self.holds(condition, summary)
                if extra is None:
                    break
                values.update(extra)
            else:
                seen.add((fact.code, fact.row, fact.col))
                found.append(
                    Diagnostic(
                        code=fact.code,
                        message=fact.template.format(**values),
                        path=summary.path,
                        row=fact.row,
                        col=fact.col,
                        end_row=fact.end_row,
                        end_col=fact.end_col,
                        fix=fact.fix,
                        fix_positions=fact.fix_positions,
                        start_offset=fact.start_offset,
                    )
                )
        return found

    def holds(self, condition: Condition, home: ModuleSummary) -> dict[str, str] | None:
        """Whether a fact's condition (`records.Condition`) holds; the values it adds to the
        message, else None."""
        # FAL106's condition first: seven facts in ten are its (one per call of a project
        # function in an `async def`).
        if isinstance(condition, BlocksLoop):
            blocking = self.blocking(condition.function, home)
            if blocking is None:
                return None
            return {
                "chain": " → ".join((*blocking.chain, blocking.call)),
                "location": f"{blocking.path}:{blocking.row}",
                "kind": blocking.code,
            }
        if isinstance(condition, IsModel):
            return {} if self.model(condition.cls, home) is not None else None
        if isinstance(condition, (SettingsModel, PlainModel)):
            cls = self.model(condition.cls, home)
            if cls is None or self.is_settings(cls) != isinstance(condition, SettingsModel):
                return None
            return {}
        if isinstance(condition, ModelWithout):
            cls = self.model(condition.cls, home)
            return {} if cls is not None and not self.defines(cls, condition.member) else None
        if isinstance(condition, IsRouter):
            return {} if self.is_router(condition.name, home) else None
        if isinstance(condition, RouterType):
            return {} if self.is_router_type(condition.owner_type, home) else None
        if isinstance(condition, WildcardSetting):
            return {} if self.wildcard_setting(condition.name, condition.field, home) else None
        if isinstance(condition, WildcardValue):
            wildcard = self.wildcard_value(condition.name, home)
            if wildcard is None:
                return None
            record, path = wildcard
            origin = record.origin or f"the value of `{record.name}`"
            return {"origin": f" ({origin}, {path}:{record.row})"}
        if isinstance(condition, MakesCoroutine):
            return {} if self.coroutine_function(condition.function, home) else None
        if isinstance(condition, InstanceOf):
            held = self.instance_type(condition.name, home)
            return {"type": describe_type(held)} if held in condition.types else None
        if isinstance(condition, AttributeOf):
            held = self.attribute_type(condition.cls, condition.attr, home)
            return {"type": describe_type(held)} if held in condition.types else None
        if isinstance(condition, Makes):
            made = self.made(condition.function, home)
            if made is None or made[0] not in condition.types:
                return None
            type_, maker, through = made
            name = f"`{type_}`"
            return {
                "type": name,
                "maker": f"`{maker.rpartition('.')[2]}()`" if maker else name,
                "through": " → ".join(through),
            }
        if isinstance(condition, NotReceived):
            for dependency in condition.dependencies:
                names = self.received(dependency, home)
                if names is None or condition.parameter in names:
                    return None
            return {}
        if isinstance(condition, Registers):
            found = self.registers(
                condition.function, condition.argument, condition.middleware, home
            )
            return {} if found else None
        raise TypeError(f"unknown condition {condition!r}")  # every kind is answered above


def _chain_shape(summary: ModuleSummary) -> tuple[object, ...]:
    """What the blocking chains through a module depend on: its names and what they stand
    for, and its functions with their calls and blocking calls (with rows: chains name them)."""
    functions = tuple(
        (
            f.qualname,
            f.is_async,
            f.is_generator,
            f.decorators,
            f.accepted,
            f.blocking,
            tuple(c.callee for c in f.calls),
            f.returns,
        )
        for f in summary.functions
    )
    classes = tuple((c.qualname, c.bases, c.members) for c in summary.classes)
    return (summary.imports, summary.instances, classes, functions)


def _rekey(qualname: str, summary: ModuleSummary, key: str) -> str:
    return key + qualname[len(summary.module) :]


class _Aliases:
    """The path aliases of the project's modules (`path_aliases`) that are not module names
    themselves: alias → the file's slot, or None when two files have it.

    Found when asked: an alias ends with its file's module name, so the files that may have
    `name` are those whose module name is a dotted suffix of it. An index set up for a few
    questions (one file changed) then computes a handful of files' aliases, not ten thousand
    (about 45 ms on the corpus). `all` gives the whole table, as the eager walk made it.
    """

    def __init__(self, heads: Sequence[tuple[str, str]], modules: dict[str, int | None]) -> None:
        self._heads = heads
        self._modules = modules
        self._by_module: dict[str, list[int]] | None = None
        self._found: dict[str, int | None] = {}
        self._table: dict[str, int | None] | None = None

    def get(self, name: str) -> int | None:
        if self._table is not None:
            return self._table.get(name)
        if name in self._found:
            return self._found[name]
        slot: int | None = None
        if name not in self._modules:
            if self._by_module is None:
                self._by_module = {}
                for number, (_, module) in enumerate(self._heads):
                    self._by_module.setdefault(module, []).append(number)
            having = []
            parts = name.split(".")
            for start in range(1, len(parts)):
                for number in self._by_module.get(".".join(parts[start:]), ()):
                    if name in path_aliases(*self._heads[number]):
                        having.append(number)
            slot = having[0] if len(having) == 1 else None
        self._found[name] = slot
        return slot

    def all(self) -> dict[str, int | None]:
        if self._table is None:
            table: dict[str, int | None] = {}
            for slot, (path, name) in enumerate(self._heads):
                for alias in path_aliases(path, name):
                    if alias in self._modules:
                        continue
                    table[alias] = None if alias in table else slot
            self._table = table
        return self._table


def path_aliases(path: str, module: str) -> list[str]:
    """Longer dotted names a file may be imported by: its module name prefixed by the
    directories above its top package, which lack `__init__.py` (namespace packages, a project
    root on `sys.path`): `app/routers/users.py` without `__init__.py` files is `users` by
    `module_name`, and also `routers.users` and `app.routers.users` here."""
    path = path.replace("\\", "/")
    if not path.endswith(".py"):
        return []
    parts = [p for p in os.path.normpath(path[:-3]).replace("\\", "/").split("/") if p]
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    own = module.split(".")
    if parts[-len(own) :] != own:
        return []
    first = len(parts) - len(own) - 1
    # Each alias is the previous one with one more directory in front (asked for every file
    # of the project when an index is set up: linear, not a join and a check per suffix).
    if first < 0 or not all(p.isidentifier() for p in parts[first + 1 :]):
        return []
    aliases = []
    alias = module  # the last parts of the path, as checked above
    for start in range(first, -1, -1):
        if not parts[start].isidentifier():
            break
        alias = f"{parts[start]}.{alias}"
        aliases.append(alias)
    return aliases
