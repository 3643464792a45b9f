"""How long an editor waits for diagnostics after a keystroke, with the language server.

Starts `fastapi-lint server` on a workspace (the corpus), speaks the Language Server Protocol
to it over stdio as an editor does, waits until the project index is loaded, opens files and
sends edits one at a time; each latency is from sending `textDocument/didChange` to receiving
the `textDocument/publishDiagnostics` of that version. Prints one JSON line:

    python bench/server_latency.py --workspace /tmp/fl-bench/corpus --server .venv/bin/fastapi-lint

The JSON-RPC framing is written here (a few lines) so that the script runs under any Python,
without the server's dependencies.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

# Files edited by default: route modules of real apps in the corpus, of different sizes.
DEFAULT_FILES = (
    "fastapi-0.165.0/fastapi/routing.py",
    "litellm-1.109.1/litellm/proxy/management_endpoints/key_management_endpoints.py",
    "open-webui-0.12.4/open_webui/routers/users.py",
    "fastapi-users-10.4.2/fastapi_users/router/auth.py",
)


class Connection:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        assert process.stdin is not None and process.stdout is not None
        self.process = process
        self.out: BinaryIO = process.stdin
        self.inp: BinaryIO = process.stdout
        self.next_id = 0

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.out.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.out.flush()

    def request(self, method: str, params: Any) -> int:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def receive(self) -> dict[str, Any]:
        length = 0
        while True:
            line = self.inp.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        message: dict[str, Any] = json.loads(self.inp.read(length))
        if "id" in message and "method" in message:  # a request from the server: answer it
            self.send({"id": message["id"], "result": None})
        return message

    def wait(self, predicate: Any, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.receive()
            if predicate(message):
                return message
        raise TimeoutError("no answer in time")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--server", required=True, nargs="+", help="the fastapi-lint command (words)"
    )
    parser.add_argument("--workspace", required=True, type=Path)
    parser.add_argument("--file", action="append", help="file to edit, relative to the workspace")
    parser.add_argument("--edits", type=int, default=20, help="edits per file [20]")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the index load")
    args = parser.parse_args(argv)
    root = args.workspace.resolve()
    files = [root / f for f in (args.file or DEFAULT_FILES) if (root / f).is_file()]
    if not files:
        print("none of the files to edit exists in the workspace", file=sys.stderr)
        return 2
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.monotonic()
    process = subprocess.Popen(
        [os.path.abspath(args.server[0]), *args.server[1:], "server"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    lsp = Connection(process)
    try:
        lsp.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}},
        )
        lsp.wait(lambda m: "result" in m, 60)
        lsp.notify("initialized", {})
        lsp.wait(
            lambda m: (
                m.get("method") == "window/logMessage" and "project index" in m["params"]["message"]
            ),
            args.timeout,
        )
        loaded = time.monotonic() - started
        latencies: list[float] = []
        per_file: dict[str, float] = {}
        for path in files:
            uri = path.as_uri()
            text = path.read_text(encoding="utf-8")
            item = {"uri": uri, "languageId": "python", "version": 1, "text": text}
            lsp.notify("textDocument/didOpen", {"textDocument": item})
            lsp.wait(_published(uri, 1), 120)
            mine = []
            for version in range(2, args.edits + 2):
                # A keystroke at the end of the file: the buffer changes, its findings do not.
                text += "#" if version % 2 else "\n"
                sent = time.perf_counter()
                lsp.notify(
                    "textDocument/didChange",
                    {
                        "textDocument": {"uri": uri, "version": version},
                        "contentChanges": [{"text": text}],
                    },
                )
                lsp.wait(_published(uri, version), 120)
                mine.append((time.perf_counter() - sent) * 1000)
            latencies.extend(mine)
            per_file[str(path.relative_to(root))] = round(statistics.median(mine), 1)
            lsp.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        lsp.request("shutdown", None)
        lsp.wait(lambda m: "result" in m and "method" not in m, 60)
        lsp.notify("exit", None)
    finally:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    latencies.sort()
    report = {
        "index_load_s": round(loaded, 2),
        "edits": len(latencies),
        "median_ms": round(statistics.median(latencies), 1),
        "p90_ms": round(latencies[int(0.9 * (len(latencies) - 1))], 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_ms": round(latencies[-1], 1),
        "per_file_median_ms": per_file,
    }
    print(json.dumps(report))
    return 0


def _published(uri: str, version: int) -> Any:
    def match(message: dict[str, Any]) -> bool:
        if message.get("method") != "textDocument/publishDiagnostics":
            return False
        params = message["params"]
        return bool(params["uri"] == uri and params.get("version") == version)

    return match


if __name__ == "__main__":
    raise SystemExit(main())
