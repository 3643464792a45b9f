"""Probe v1 behaviours that a Pydantic v2 migration cannot keep (evidence for README.md).

    python tests/behaviour/divergences.py        # runs itself under both venvs, prints a table

Each probe is written once for v1 and once for its correct v2 spelling (the spelling a fix would
produce) and returns what happened: ``["ok", value]``, ``["invalid", locs]`` for a
ValidationError, or ``[exception type, message]``. A row marked DIFF is a behaviour the FAL3xx
fixes must report rather than silently change. Run as ``python divergences.py --probe`` inside a
venv it prints the raw JSON of that venv.
"""

import json
import os
import subprocess
import sys
import warnings
from datetime import UTC
from pathlib import Path


def probes():
    from datetime import date, datetime, timedelta
    from decimal import Decimal

    import pydantic
    from pydantic import BaseModel, Field, ValidationError

    v2 = pydantic.VERSION.startswith("2")
    out = {}

    def attempt(name, func):
        try:
            out[name] = ["ok", func()]
        except ValidationError as exc:
            out[name] = ["invalid", sorted(str(list(err["loc"])) for err in exc.errors())]
        except Exception as exc:  # the exception type is the finding
            out[name] = [type(exc).__name__, str(exc).splitlines()[0][:100]]

    dump = (lambda m: m.model_dump()) if v2 else (lambda m: m.dict())
    dump_json = (lambda m: m.model_dump_json()) if v2 else (lambda m: m.json())

    class Text(BaseModel):
        s: str

    class Whole(BaseModel):
        i: int

    class Day(BaseModel):
        d: date

    attempt("str field given int 123", lambda: Text(s=123).s)
    attempt("int field given 5.5", lambda: Whole(i=5.5).i)
    attempt('int field given "5.0"', lambda: Whole(i="5.0").i)
    attempt('date field given "2022-01-01T00:00:00"', lambda: str(Day(d="2022-01-01T00:00:00").d))

    class Stamp(BaseModel):
        ts: datetime
        td: timedelta
        dec: Decimal

    stamp = Stamp(ts=datetime(2022, 1, 1, tzinfo=UTC), td=timedelta(hours=1), dec=Decimal("1.50"))
    attempt(".json() text of aware datetime, timedelta, Decimal", lambda: dump_json(stamp))

    if v2:

        class Code(BaseModel):
            code: str = Field(pattern=r"[A-Z]{3}")

        def lookahead():
            class Password(BaseModel):
                pw: str = Field(pattern=r"^(?=.*\d).{8,}$")

            return Password(pw="abcdefg1").pw
    else:

        class Code(BaseModel):
            code: str = Field(regex=r"[A-Z]{3}")

        def lookahead():
            class Password(BaseModel):
                pw: str = Field(regex=r"^(?=.*\d).{8,}$")

            return Password(pw="abcdefg1").pw

    attempt('regex "[A-Z]{3}" given "xxABC"', lambda: Code(code="xxABC").code)
    attempt("regex with a lookahead", lookahead)

    if v2:
        from pydantic import ConfigDict, RootModel, field_validator, model_validator

        class Frozen(BaseModel):
            model_config = ConfigDict(frozen=True)
            a: int

        class Raises(BaseModel):
            x: int

            @field_validator("x")
            @classmethod
            def check(cls, v):
                raise TypeError("wrong type")

        class Range(BaseModel):
            low: int
            high: int

            @model_validator(mode="after")
            def ordered(self):
                if self.low > self.high:
                    raise ValueError("low > high")
                return self

        class Tags(RootModel[list[str]]):
            pass

        class Orm(BaseModel):
            model_config = ConfigDict(from_attributes=True)
            id: int

        attempt("custom root .dict()", lambda: Tags(["a"]).model_dump())
        attempt("from_orm(dict)", lambda: Orm.model_validate({"id": 1}).id)
        attempt("copy(include=...)", lambda: Orm(id=1).model_copy(include={"id"}))
    else:
        from pydantic import root_validator, validator

        class Frozen(BaseModel):
            a: int

            class Config:
                allow_mutation = False

        class Raises(BaseModel):
            x: int

            @validator("x")
            def check(cls, v):
                raise TypeError("wrong type")

        class Range(BaseModel):
            low: int
            high: int

            @root_validator
            def ordered(cls, values):
                if values.get("low", 0) > values.get("high", 0):
                    raise ValueError("low > high")
                return values

        class Tags(BaseModel):
            __root__: list[str]

        class Orm(BaseModel):
            id: int

            class Config:
                orm_mode = True

        attempt("custom root .dict()", lambda: Tags(__root__=["a"]).dict())
        attempt("from_orm(dict)", lambda: Orm.from_orm({"id": 1}).id)
        attempt("copy(include=...)", lambda: dump(Orm(id=1).copy(include={"id"})))

    frozen = Frozen(a=1)

    def assign():
        frozen.a = 2

    attempt("assignment to a frozen model", assign)
    attempt("hash() of a frozen model", lambda: isinstance(hash(frozen), int))
    attempt("TypeError raised in a validator", lambda: Raises(x=1))
    attempt("post root validator after a field failed", lambda: Range(low=5, high="x"))

    os.environ["DB_DSN"] = "postgresql://db/app"
    try:
        if v2:
            from pydantic_settings import BaseSettings
        else:
            from pydantic import BaseSettings

        class Settings(BaseSettings):
            # v1: env= names the variable, ignoring env_prefix. v2 ignores the unknown keyword
            # (with a deprecation warning) and reads APP_DATABASE_URL; the fix is
            # validation_alias=AliasChoices("DB_DSN", "database_url").
            database_url: str = Field("sqlite://", env="DB_DSN")

            if v2:
                model_config = {"env_prefix": "APP_"}
            else:

                class Config:
                    env_prefix = "APP_"

        attempt('Field(env="DB_DSN") unchanged', lambda: Settings().database_url)
    finally:
        del os.environ["DB_DSN"]
    return out


def collect(pythons):
    """Run the probes under each interpreter: ``{venv name: {probe: outcome}}``."""
    results = {}
    for name, python in pythons.items():
        proc = subprocess.run(
            [str(python), str(Path(__file__).resolve()), "--probe"],
            capture_output=True,
            text=True,
            check=True,
        )
        results[name] = json.loads(proc.stdout)
    return results


def main():
    if "--probe" in sys.argv:
        warnings.simplefilter("ignore")
        print(json.dumps(probes()))
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import harness

    results = collect({name: harness.ensure_venv(name) for name in ("v1", "v2")})
    for probe, v1 in results["v1"].items():
        v2 = results["v2"].get(probe)
        print(f"{'same' if v1 == v2 else 'DIFF'}  {probe}\n      v1: {v1}\n      v2: {v2}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
