from __future__ import annotations

from ...rule import Invalid
from .._blocking import BlockingCallRule


class BlockingSubprocessInAsync(BlockingCallRule):
    """## What it does
    Checks for blocking process calls inside `async def`: `subprocess.run/call/check_call/
    check_output/Popen/getoutput/getstatusoutput`, `os.system`, `os.popen`, `os.spawn*` and
    `os.wait*`.

    ## Why is this bad?
    The event loop waits for the child process to finish (or, for `Popen`, for it to be
    forked and set up), and no other request is served in the meantime.

    ## Example
    ```python
    @app.post("/reports")
    async def build_report():
        subprocess.run(["make", "report"], check=True)
    ```

    ## Use instead
    ```python
    @app.post("/reports")
    async def build_report():
        process = await asyncio.create_subprocess_exec("make", "report")
        await process.wait()
    ```

    ## Fix safety
    Unsafe, and only for routes that never await: `async def` becomes `def` so that FastAPI
    runs the route in its threadpool. No fix elsewhere.

    ## References
    - flake8-async ASYNC220–ASYNC222, ruff ASYNC220–ASYNC222
    """

    code = "FAL104"
    name = "blocking-subprocess-in-async"
    # Whole words: `wait` as a substring is in every `await`.
    trigger_words = (
        "subprocess",
        "system",
        "popen",
        "posix_spawn",
        "posix_spawnp",
        "spawnl",
        "spawnle",
        "spawnlp",
        "spawnlpe",
        "spawnv",
        "spawnve",
        "spawnvp",
        "spawnvpe",
        "wait",
        "wait3",
        "wait4",
        "waitpid",
        "waitid",
    )
    valid = [
        """
        import asyncio

        async def run():
            proc = await asyncio.create_subprocess_exec('ls')
            await proc.wait()
        """,
        """
        import subprocess

        def run():
            subprocess.run(['ls'], check=True)
        """,
        """
        import asyncio, subprocess

        async def run():
            await asyncio.to_thread(subprocess.run, ['ls'])
        """,
        # A project object with a `system` method.
        """
        class Shell:
            def system(self, cmd):
                return cmd

        shell = Shell()

        async def run():
            shell.system('ls')
        """,
    ]
    invalid = [
        Invalid(
            """
            import subprocess

            async def run():
                subprocess.run(['ls'], check=True)
            """,
            expect=[
                "4:5-4:39 Blocking subprocess call `subprocess.run()` in async function `run`; use `asyncio.create_subprocess_exec()`"
            ],
        ),
        Invalid(
            """
            import os

            async def run():
                os.system('ls')
            """,
            expect=[
                "4:5-4:20 Blocking subprocess call `os.system()` in async function `run`; use `asyncio.create_subprocess_exec()`"
            ],
        ),
        Invalid(
            """
            from subprocess import check_output

            async def run():
                check_output(['ls'])
            """,
            expect=[
                "4:5-4:25 Blocking subprocess call `subprocess.check_output()` in async function `run`; use `asyncio.create_subprocess_exec()`"
            ],
        ),
        Invalid(
            """
            import subprocess
            from fastapi import FastAPI
            app = FastAPI()

            @app.post('/build')
            async def build():
                subprocess.run(['make'])
            """,
            expect=[
                "7:5-7:29 Blocking subprocess call `subprocess.run()` in async function `build`; use `asyncio.create_subprocess_exec()`"
            ],
            fixed="""
            import subprocess
            from fastapi import FastAPI
            app = FastAPI()

            @app.post('/build')
            def build():
                subprocess.run(['make'])
            """,
            unsafe=True,
        ),
    ]
