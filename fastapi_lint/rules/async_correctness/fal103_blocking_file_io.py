from __future__ import annotations

from ...rule import Invalid
from .._blocking import BlockingCallRule


class BlockingFileIoInAsync(BlockingCallRule):
    """## What it does
    Checks for synchronous file I/O inside `async def`: `open()`, `io.open()`, `os.fdopen()`,
    `shutil` copies, moves and deletions, the reading and writing methods of a known
    `pathlib.Path`, and the methods of a known sync file object (a name bound by `open()`, a
    parameter annotated `TextIOWrapper`/`BufferedReader`/`IO[...]`, FastAPI's `UploadFile.file`).

    ## Why is this bad?
    Disk and network-filesystem access blocks the thread that performs it. In `async def` that
    is the event loop, so large uploads or slow volumes stall every concurrent request.

    ## Example
    ```python
    @router.post("/upload")
    async def upload(file: UploadFile):
        with open(f"/data/{file.filename}", "wb") as out:
            out.write(file.file.read())
    ```

    ## Use instead
    ```python
    @router.post("/upload")
    async def upload(file: UploadFile):
        data = await file.read()
        await anyio.Path(f"/data/{file.filename}").write_bytes(data)
    ```
    Or run the blocking part with `await asyncio.to_thread(...)`, or use `aiofiles`.

    ## Fix safety
    Unsafe, and only for routes that never await: `async def` becomes `def`, so FastAPI runs
    the route in its threadpool. No fix elsewhere.

    ## References
    - flake8-async ASYNC230, ruff ASYNC230
    """

    code = "FAL103"
    name = "blocking-file-io-in-async"
    # What a finding cannot do without: a blocking function's name, or the name of a class or
    # factory through which a receiver becomes a known file or path (tests/test_gate.py checks
    # this list against the tables). Whole words: "open" must not let every `openapi` through.
    trigger_words = (
        "open",
        "fdopen",
        "urlopen",
        "shutil",
        "Path",
        "PosixPath",
        "WindowsPath",
        "IO",
        "TextIO",
        "BinaryIO",
        "IOBase",
        "TextIOWrapper",
        "BufferedReader",
        "BufferedWriter",
        "BufferedRandom",
        "TemporaryFile",
        "NamedTemporaryFile",
        "mkstemp",
        "mkdtemp",
        "UploadFile",
    )
    valid = [
        # UploadFile's own async methods.
        """
        from fastapi import UploadFile

        async def upload(file: UploadFile):
            return await file.read()
        """,
        # anyio's async path.
        """
        import anyio

        async def load(p):
            return await anyio.Path(p).read_text()
        """,
        # A method called `open` on something unknown.
        """
        async def connect(pool):
            return pool.open()
        """,
        # A local `open` shadows the builtin.
        """
        def open(name):
            return name

        async def go():
            return open('x')
        """,
        # Run in a thread.
        """
        import asyncio, shutil

        async def backup(a, b):
            await asyncio.to_thread(shutil.copy, a, b)
        """,
        # `.read()` on an unknown object (a stream, a response) is not guessed.
        """
        async def body(stream):
            return stream.read()
        """,
        # `/` on an object of unknown type: not known to make a path.
        """
        async def load(base):
            return (base / "config.json").read_text()
        """,
    ]
    invalid = [
        Invalid(
            """
            async def load(path):
                with open(path) as f:
                    return f.read()
            """,
            expect=[
                "2:10-2:20 Blocking file I/O `open()` in async function `load`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`",
                "3:16-3:24 Blocking file I/O `f.read()` on a sync file object in async function `load`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`",
            ],
        ),
        Invalid(
            """
            from pathlib import Path

            async def load(name: str):
                return Path(name).read_text()
            """,
            expect=[
                "4:12-4:34 Blocking file I/O `Path(name).read_text()` on a `pathlib.Path` in async function `load`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`"
            ],
        ),
        Invalid(
            """
            from pathlib import Path

            DATA = Path("/srv/data")

            async def config():
                return (DATA / "config.json").read_text()
            """,
            expect=[
                '6:12-6:46 Blocking file I/O `(DATA/"config.json").read_text()` on a `pathlib.Path` in async function `config`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`'
            ],
        ),
        Invalid(
            """
            from fastapi import UploadFile

            async def upload(file: UploadFile):
                return file.file.read()
            """,
            expect=[
                "4:12-4:28 Blocking file I/O `file.file.read()` on a sync file object in async function `upload`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`"
            ],
        ),
        Invalid(
            """
            import shutil

            async def clean(d):
                shutil.rmtree(d)
            """,
            expect=[
                "4:5-4:21 Blocking file I/O `shutil.rmtree()` in async function `clean`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`"
            ],
        ),
        Invalid(
            """
            from typing import IO

            async def dump(out: IO[str], text: str):
                out.write(text)
            """,
            expect=[
                "4:5-4:20 Blocking file I/O `out.write()` on a sync file object in async function `dump`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`"
            ],
        ),
        Invalid(
            """
            from fastapi import APIRouter
            router = APIRouter()

            @router.get('/cfg')
            async def cfg():
                return open('/etc/app.cfg').read()
            """,
            expect=[
                "6:12-6:32 Blocking file I/O `open()` in async function `cfg`; use `anyio.Path`, `aiofiles`, or `await asyncio.to_thread(...)`"
            ],
            fixed="""
            from fastapi import APIRouter
            router = APIRouter()

            @router.get('/cfg')
            def cfg():
                return open('/etc/app.cfg').read()
            """,
            unsafe=True,
        ),
    ]
