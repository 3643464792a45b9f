"""The records of a module summary (see `summary.py`): plain named tuples of str/int/bool.

They cross process boundaries, live in the result cache and, without facts, in the JSON index
the flake8 plugin reads; nothing here may hold an `ast` node.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, NamedTuple, TypeVar

from ..diagnostics import Applicability, Edit, Fix

C = TypeVar("C", bound="Condition")

SUMMARY_VERSION = 8  # bump when a record changes shape: stored summaries are then ignored


class CallRecord(NamedTuple):
    """A call that may reach project code: `callee` is the qualified name it resolves to in
    this module (`app.services.profiles.fetch_profile`, `app.repo.Users.get` for a method of a
    known receiver); the index decides whether it names a project function."""

    callee: str
    row: int
    col: int
    awaited: bool


class BlockingRecord(NamedTuple):
    """A FAL101–FAL105 call (per the rules' tables), wherever it is: also in sync functions."""

    code: str
    name: str  # how chains name it: `requests.get`, `db.query`
    row: int
    col: int


class RouteRecord(NamedTuple):
    method: str  # "get", "patch", ..., "api_route", "websocket"
    path: str | None
    # The app/router: its type when this module knows it (`fastapi.APIRouter`), else the
    # qualified name of the imported object the decorator is called on (resolved by the index).
    owner_type: str
    owner: str


class FunctionRecord(NamedTuple):
    qualname: str  # `app.services.profiles.fetch_profile`, `app.repo.Users.get`
    name: str
    is_async: bool
    is_generator: bool
    decorators: tuple[str, ...]  # qualified names of the decorators ("" when unresolvable)
    route: RouteRecord | None
    row: int
    col: int
    params: tuple[str, ...]
    calls: tuple[CallRecord, ...]
    blocking: tuple[BlockingRecord, ...]
    # What its parameters' `Depends(...)`/`Security(...)` call, as qualified names ("?" when
    # unresolvable); with `params` and `kwarg`, what path parameters it may receive (FAL504).
    depends: tuple[str, ...]
    kwarg: bool
    # A noqa comment for FAL106 on its `def` line: calling it from async code is accepted.
    accepted: bool
    # Middleware it registers on apps it receives as parameters, in order: (parameter name,
    # is it CORSMiddleware) for each `param.add_middleware(...)` / `@param.middleware("http")`.
    middleware: tuple[tuple[str, bool], ...] = ()
    # What calling it gives, as its module knows it (`SemanticModel.returned`: the return
    # annotation, else what every `return` gives): a canonical class qualified in its module
    # (`make_router() -> APIRouter`), or the qualified name of a function of another module
    # whose result it returns (the index follows it); "" when unknown, and for coroutine
    # functions and generators, whose call gives a coroutine or a generator.
    returns: str = ""
    # Parameters FastAPI never fills with the path parameter of their name (FAL504): the
    # positional-only ones (it passes values by keyword) and dependencies (`Depends`/
    # `Security`: they get the dependency's result).
    unfilled: tuple[str, ...] = ()
    # How the value it returns is made, for messages: the functions of its module the body
    # hands the call on to (`_create_engine`), and the callable outside them that makes it
    # (`sqlalchemy.create_engine`; "" when only the annotation says what it returns).
    via: tuple[str, ...] = ()
    maker: str = ""


class ClassRecord(NamedTuple):
    qualname: str
    bases: tuple[str, ...]  # qualified names, as this module resolves them
    members: tuple[str, ...]  # names defined in the body: methods, fields, attributes
    row: int
    # Fields whose default, written in the body, is a literal holding the string "*"
    # (`cors_origins: list[str] = ["*"]`): a wildcard for the CORS rules.
    wildcards: tuple[str, ...] = ()
    # Instance attributes of a known type, as its module types them (`SemanticModel.
    # attribute_type`: `client: httpx.Client` in the body, `self.client = httpx.Client()` in
    # `__init__`): (name, type), where a project function's name means what it returns.
    attributes: tuple[tuple[str, str], ...] = ()


class WildcardRecord(NamedTuple):
    """A module-level name whose value may let every origin in as `allow_origins` (a list
    holding `"*"`, a string containing `*`; `semantic.fastapi.wildcard_origins`), for the CORS
    rules of the modules importing it."""

    name: str
    # How configuration puts the wildcard there ("the default of `os.getenv('ORIGINS', '*')`");
    # "" when the value is written in the assignment (or reached through plain assignments).
    origin: str
    row: int  # the line that says so: the origin's, else the assignment's


class RegistrationRecord(NamedTuple):
    """`app.include_router(router, prefix=...)` at module level."""

    owner: str  # qualified name (or type) of the app/router registering
    router: str  # qualified name of the router registered
    prefix: str | None
    row: int


# ---------------------------------------------------------------- conditions
#
# What a deferred fact requires of the project index: one frozen dataclass per kind of
# condition, registered by its `kind` (the name it travels under in the cache's plain form).
# `ProjectIndex.holds` answers each; a misspelled condition is a NameError where it is written.


@dataclass(frozen=True)
class Condition:
    """A requirement a deferred finding holds under, checked against the project index."""

    kind: ClassVar[str]

    def plain(self) -> tuple[str, ...]:
        """The condition as `(kind, *fields)` of strings, for the cache (`marshal`) and JSON."""
        values: list[str] = []
        for name in _shape(type(self))[0]:
            value = getattr(self, name)
            values.extend(value if isinstance(value, tuple) else (value,))
        return (self.kind, *values)

    def __reduce__(self) -> tuple[type[Condition], tuple[Any, ...]]:
        # Pickled as a call of the class with its fields (in order: `__init__` set them so),
        # not as a dataclass's default (an empty object, then its `__dict__`): unpacking the
        # facts of a corpus run (`unpack_facts`, ~100k conditions) took 1.0 s of the main
        # process, now 0.6 s.
        return type(self), tuple(vars(self).values())


CONDITIONS: dict[str, type[Condition]] = {}


def _condition(cls: type[C]) -> type[C]:
    assert cls.kind not in CONDITIONS, f"two conditions of kind {cls.kind!r}"
    CONDITIONS[cls.kind] = cls
    return cls


@_condition
@dataclass(frozen=True)
class IsModel(Condition):
    """`cls` names a Pydantic model (of the project, or an installed one)."""

    kind: ClassVar[str] = "model"
    cls: str


@_condition
@dataclass(frozen=True)
class ModelWithout(Condition):
    """... that does not define `member` itself (nor a base of the project does)."""

    kind: ClassVar[str] = "model-without"
    cls: str
    member: str


@_condition
@dataclass(frozen=True)
class SettingsModel(Condition):
    """... that is a settings class (`BaseSettings`)."""

    kind: ClassVar[str] = "settings-model"
    cls: str


@_condition
@dataclass(frozen=True)
class PlainModel(Condition):
    """... that is not a settings class."""

    kind: ClassVar[str] = "plain-model"
    cls: str


@_condition
@dataclass(frozen=True)
class IsRouter(Condition):
    """The object `name` is a FastAPI app or APIRouter created in the project."""

    kind: ClassVar[str] = "router"
    name: str


@_condition
@dataclass(frozen=True)
class RouterType(Condition):
    """A value of type `owner_type` is an app or router (a subclass, what a factory returns)."""

    kind: ClassVar[str] = "router-type"
    owner_type: str


@_condition
@dataclass(frozen=True)
class WildcardSetting(Condition):
    """The module-level object `name` is an instance of a settings class (`BaseSettings`)
    whose field `field` defaults to a literal holding "*" (`["*"]`), in the class or the
    nearest project base that declares the field."""

    kind: ClassVar[str] = "wildcard-setting"
    name: str
    field: str


@_condition
@dataclass(frozen=True)
class WildcardValue(Condition):
    """The imported name `name` is a module-level name of the project whose value may let
    every origin in (`ModuleSummary.wildcards`); adds `origin`, where that comes from."""

    kind: ClassVar[str] = "wildcard-value"
    name: str


@_condition
@dataclass(frozen=True)
class MakesCoroutine(Condition):
    """Calling `function` creates a coroutine."""

    kind: ClassVar[str] = "coroutine"
    function: str


@_condition
@dataclass(frozen=True)
class BlocksLoop(Condition):
    """`function` is a sync project function that blocks; adds `chain`, `location`, `kind`."""

    kind: ClassVar[str] = "blocking"
    function: str


@_condition
@dataclass(frozen=True)
class InstanceOf(Condition):
    """The object `name`, a module-level name of another module (`app.clients.http`), holds
    an instance of one of `types` (canonical class names): what its module binds it to, a
    constructor, a catalogued factory, or a project function whose return is known (followed
    across modules). Adds `type`: the one it holds, as messages name it (a `httpx.Client`)."""

    kind: ClassVar[str] = "instance-of"
    name: str
    types: tuple[str, ...]


@_condition
@dataclass(frozen=True)
class Makes(Condition):
    """Calling the project function `function` (of another module) gives an instance of one of
    `types`: what it records it returns, followed across modules (`create_db_engine(url)`
    returning `create_engine(url)`). Adds `type` (the class, in backticks), `maker` (the
    callable that makes it, else the class) and `through` (the functions it goes through,
    with the module of the first)."""

    kind: ClassVar[str] = "makes"
    function: str
    types: tuple[str, ...]


@_condition
@dataclass(frozen=True)
class AttributeOf(Condition):
    """Instances of the class `cls` (of any module of the project) hold in attribute `attr` an
    instance of one of `types`: as the class's module types the attribute, or the nearest
    project base that does. Adds `type`, as `InstanceOf` does."""

    kind: ClassVar[str] = "attribute-of"
    cls: str
    attr: str
    types: tuple[str, ...]


@_condition
@dataclass(frozen=True)
class NotReceived(Condition):
    """No dependency in `dependencies` receives a parameter named `parameter`."""

    kind: ClassVar[str] = "not-received"
    parameter: str
    dependencies: tuple[str, ...]


@_condition
@dataclass(frozen=True)
class Registers(Condition):
    """Project function `function`, given an app as `argument` (a position or a keyword
    name), registers CORSMiddleware (`middleware="cors"`) or other middleware on it."""

    kind: ClassVar[str] = "registers"
    middleware: str  # "cors" | "other"
    function: str
    argument: str


def condition_from_plain(entry: Sequence[Any]) -> Condition:
    """The condition `Condition.plain` made; raises on an unknown kind or a wrong shape."""
    kind, *values = (str(v) for v in entry)
    cls = CONDITIONS[kind]
    names, rest = _shape(cls)
    if rest:  # a last tuple field: the rest
        head = len(names) - 1
        return cls(*values[:head], tuple(values[head:]))  # type: ignore[call-arg]  # fields vary per kind
    if len(values) != len(names):
        raise ValueError(f"condition {kind!r} takes {len(names)} values")
    return cls(*values)


def _shape(cls: type[Condition]) -> tuple[tuple[str, ...], bool]:
    """The names of a condition's fields, and whether the last is a tuple (in the plain form,
    the rest of the values). Asked for every condition written to or read from the cache
    (`dataclasses.fields` builds its answer anew each time: a fifth of the time a warm
    language server took to read the corpus's summaries)."""
    shape = _SHAPES.get(cls)
    if shape is None:
        declared = fields(cls)
        rest = bool(declared) and str(declared[-1].type).startswith("tuple")
        shape = _SHAPES[cls] = (tuple(item.name for item in declared), rest)
    return shape


_SHAPES: dict[type[Condition], tuple[tuple[str, ...], bool]] = {}


class Fact(NamedTuple):
    """A finding that holds if the index confirms every condition in `requires`.

    Each condition is a `Condition` (above); `ProjectIndex.holds` answers it. Conditions may
    contribute values to the message (FAL106's chain), so the message is kept as a template
    with the values known in pass 1.
    """

    code: str
    requires: tuple[Condition, ...]
    template: str
    values: tuple[tuple[str, str], ...]
    row: int
    col: int
    end_row: int
    end_col: int
    start_offset: int
    fix: Fix | None
    fix_positions: tuple[tuple[int, int, int, int], ...]


class ModuleSummary(NamedTuple):
    path: str  # as displayed (relative), for messages
    module: str  # from `semantic.modules.module_name`
    is_package: bool
    # Module-level names that stand for another dotted name: imports and aliases; ("*", m)
    # for each `from m import *`, in order.
    imports: tuple[tuple[str, str], ...]
    # Module-level names bound to a value of a known class (`router = APIRouter()`).
    instances: tuple[tuple[str, str], ...]
    classes: tuple[ClassRecord, ...]
    functions: tuple[FunctionRecord, ...]
    registrations: tuple[RegistrationRecord, ...]
    facts: tuple[Fact, ...] = ()
    wildcards: tuple[WildcardRecord, ...] = ()

    def without_facts(self) -> ModuleSummary:
        return self._replace(facts=())


def pack_facts(facts: tuple[Fact, ...]) -> bytes:
    """A module's facts as bytes, to cross from a worker to the main process.

    The main process holds every module's summary from pass 1 to the end of pass 2, but a
    module's facts only while it resolves them; as objects they were a third of its memory
    on the corpus (111k facts, 65 MB; 19 MB packed), so they wait packed (`unpack_facts`).
    """
    import pickle  # noqa: PLC0415 - start-up: only a run with a process pool packs facts

    return pickle.dumps(facts, pickle.HIGHEST_PROTOCOL)


def unpack_facts(packed: bytes) -> tuple[Fact, ...]:
    import pickle  # noqa: PLC0415 - start-up: see `pack_facts`

    facts: tuple[Fact, ...] = pickle.loads(packed)  # only ever our own worker's bytes
    return facts


class Packed(NamedTuple):
    """A module's summary without its facts, packed with those of the other files of its
    chunk (`pack_summaries`): `summaries` is one bytes object shared by the chunk's files,
    and `position` says which one this is.

    As objects the summaries are about three and a half times their packed size, and the
    main process receives them while the workers still hold their own memory: kept packed
    until pass 2, after the workers are gone, they no longer add to the run's peak. Packed
    together, the strings the modules of a chunk share (the names they import, their
    package's prefix) are unpacked as one object, as when the chunk's reports crossed as
    objects (one module per pickle made the unpacked summaries half as large again).
    """

    summaries: bytes
    position: int


def pack_summaries(summaries: Sequence[ModuleSummary | None]) -> list[Packed | None]:
    """The summaries of a chunk (None: a file without one), each without its facts (those
    travel apart: `pack_facts`)."""
    import pickle  # noqa: PLC0415 - start-up: see `pack_facts`

    data = pickle.dumps(
        [s.without_facts() if s is not None else None for s in summaries],
        pickle.HIGHEST_PROTOCOL,
    )
    return [Packed(data, n) if s is not None else None for n, s in enumerate(summaries)]


class Unpacker:
    """Unpacks `Packed` summaries, each chunk once: the files of a chunk come in a row."""

    def __init__(self) -> None:
        self._data: bytes | None = None  # the chunk last unpacked (kept: its id is the key)
        self._summaries: list[ModuleSummary | None] = []

    def __call__(self, packed: Packed, facts: bytes = b"") -> ModuleSummary:
        """The summary, with the facts `pack_facts` packed (b"": none)."""
        if packed.summaries is not self._data:
            import pickle  # noqa: PLC0415 - start-up: see `pack_facts`

            self._summaries = pickle.loads(packed.summaries)  # only ever our own worker's bytes
            self._data = packed.summaries
        summary = self._summaries[packed.position]
        assert summary is not None
        return summary._replace(facts=unpack_facts(facts)) if facts else summary


def _reduce_record(record: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple.__new__, (type(record), tuple(record))


# A named tuple pickles as a call of its class's `__new__`, a Python function; these records
# cross from the workers by the hundred thousand (calls, functions, facts), so they are
# rebuilt by `tuple.__new__` itself: a fifth less of the main process's unpickling.
for _record in (
    CallRecord,
    BlockingRecord,
    RouteRecord,
    FunctionRecord,
    ClassRecord,
    WildcardRecord,
    RegistrationRecord,
    Fact,
    ModuleSummary,
    Packed,
):
    setattr(_record, "__reduce__", _reduce_record)  # noqa: B010 - a class attribute of a NamedTuple


# ------------------------------------------------------------- plain form
#
# The result cache stores summaries with `marshal` and the flake8 index with JSON; neither takes
# named tuples or dataclasses, so a summary travels as nested plain tuples (lists, from JSON) in
# field order, and is rebuilt record by record.


def to_plain(summary: ModuleSummary) -> tuple[Any, ...]:
    facts = tuple(
        (
            fact.code,
            tuple(c.plain() for c in fact.requires),
            *_plain(fact[2:9]),
            None if fact.fix is None else fix_to_plain(fact.fix),
            fact.fix_positions,
        )
        for fact in summary.facts
    )
    return (*_plain(summary[:8]), facts, _plain(summary.wildcards))


def from_plain(entry: Sequence[Any]) -> ModuleSummary:
    """The summary `to_plain` (or its JSON round trip) made; raises on malformed input."""
    path, module, is_package, imports, instances, classes, functions, registrations = entry[:8]
    return ModuleSummary(
        path=str(path),
        module=str(module),
        is_package=bool(is_package),
        imports=tuple((str(a), str(b)) for a, b in imports),
        instances=tuple((str(a), str(b)) for a, b in instances),
        classes=tuple(_class(c) for c in classes),
        functions=tuple(_function(f) for f in functions),
        registrations=tuple(RegistrationRecord(*r) for r in registrations),
        facts=tuple(_fact(f) for f in entry[8]) if len(entry) > 8 else (),
        wildcards=tuple(
            WildcardRecord(str(n), str(o), int(r))
            for n, o, r in (entry[9] if len(entry) > 9 else ())
        ),
    )


def _plain(value: Any) -> Any:
    """`value` with every tuple in it a plain one (records are named tuples), for `marshal`.
    Strings, numbers and None, most of what records hold, are not looked into: a call for each
    was most of the time a cold run's main process spent writing the cache (1.4 s of 1.8 s on
    the corpus)."""
    if isinstance(value, tuple):
        return tuple([v if v.__class__ in _LEAVES else _plain(v) for v in value])
    return value


_LEAVES = frozenset({str, int, bool, float, bytes, type(None)})


def fix_to_plain(fix: Fix) -> tuple[Any, ...]:
    edits = tuple((e.start, e.end, e.content) for e in fix.edits)
    return (edits, fix.applicability.value, fix.message, fix.isolation, fix.retires)


def _class(entry: Sequence[Any]) -> ClassRecord:
    qualname, bases, members, row = entry[:4]
    wildcards = entry[4] if len(entry) > 4 else ()
    attributes = entry[5] if len(entry) > 5 else ()
    return ClassRecord(
        str(qualname),
        tuple(bases),
        tuple(members),
        int(row),
        tuple(str(w) for w in wildcards),
        tuple((str(name), str(type_)) for name, type_ in attributes),
    )


def _function(entry: Sequence[Any]) -> FunctionRecord:
    (qualname, name, is_async, generator, decorators, route, row, col, params, calls, blocking) = (
        entry[:11]
    )
    depends, kwarg, accepted = entry[11:14]
    middleware = entry[14] if len(entry) > 14 else ()
    returns = str(entry[15]) if len(entry) > 15 else ""
    unfilled = tuple(str(n) for n in entry[16]) if len(entry) > 16 else ()
    via = tuple(str(v) for v in entry[17]) if len(entry) > 17 else ()
    maker = str(entry[18]) if len(entry) > 18 else ""
    return FunctionRecord(
        qualname=str(qualname),
        name=str(name),
        is_async=bool(is_async),
        is_generator=bool(generator),
        decorators=tuple(decorators),
        route=RouteRecord(*route) if route else None,
        row=int(row),
        col=int(col),
        params=tuple(params),
        calls=tuple(CallRecord(*c) for c in calls),
        blocking=tuple(BlockingRecord(*b) for b in blocking),
        depends=tuple(depends),
        kwarg=bool(kwarg),
        accepted=bool(accepted),
        middleware=tuple((str(name), bool(cors)) for name, cors in middleware),
        returns=returns,
        unfilled=unfilled,
        via=via,
        maker=maker,
    )


def _fact(entry: Sequence[Any]) -> Fact:
    code, requires, template, values, row, col, end_row, end_col, start, fix, positions = entry
    return Fact(
        code=str(code),
        requires=tuple(condition_from_plain(c) for c in requires),
        template=str(template),
        values=tuple((str(k), str(v)) for k, v in values),
        row=int(row),
        col=int(col),
        end_row=int(end_row),
        end_col=int(end_col),
        start_offset=int(start),
        fix=None if fix is None else fix_from_plain(fix),
        fix_positions=tuple(tuple(p) for p in positions),
    )


# The levels by value: a dictionary look-up, where calling the enum is a slower one.
_APPLICABILITY = {level.value: level for level in Applicability}


def fix_from_plain(entry: Sequence[Any]) -> Fix:
    """A fix from its plain form. A warm run of a large project decodes thousands (every
    cached finding's fix), so lists rather than generators, and the level looked up."""
    edits, applicability, message, isolation = entry[:4]
    retires = entry[4] if len(entry) > 4 else ()
    level = _APPLICABILITY.get(applicability) if applicability.__class__ is str else None
    return Fix(
        tuple([Edit(int(s), int(e), str(c)) for s, e, c in edits]),
        Applicability(applicability) if level is None else level,  # raises for a bad one
        str(message),
        tuple(isolation) if isolation is not None else None,
        tuple([str(name) for name in retires]) if retires else (),
    )
