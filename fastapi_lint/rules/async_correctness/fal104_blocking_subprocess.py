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
        "import asyncio\n\nasync def run():\n"
        "    proc = await asyncio.create_subprocess_exec('ls')\n    await proc.wait()\n",
        "import subprocess\n\ndef run():\n    subprocess.run(['ls'], check=True)\n",
        "import asyncio, subprocess\n\nasync def run():\n"
        "    await asyncio.to_thread(subprocess.run, ['ls'])\n",
        # A project object with a `system` method.
        "class Shell:\n    def system(self, cmd):\n        return cmd\n\nshell = Shell()\n\n"
        "async def run():\n    shell.system('ls')\n",
    ]
    invalid = [
        Invalid("import subprocess\n\nasync def run():\n    subprocess.run(['ls'], check=True)\n"),
        Invalid("import os\n\nasync def run():\n    os.system('ls')\n"),
        Invalid(
            "from subprocess import check_output\n\nasync def run():\n    check_output(['ls'])\n"
        ),
        Invalid(
            "import subprocess\nfrom fastapi import FastAPI\napp = FastAPI()\n\n"
            "@app.post('/build')\nasync def build():\n    subprocess.run(['make'])\n",
            fixed="import subprocess\nfrom fastapi import FastAPI\napp = FastAPI()\n\n"
            "@app.post('/build')\ndef build():\n    subprocess.run(['make'])\n",
            unsafe=True,
        ),
    ]
