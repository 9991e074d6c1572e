"""A minimal JSON-RPC 2.0 client over LSP's Content-Length framing, for driving ``fel lsp``.

It talks to any pair of byte streams: a subprocess's pipes (``fel lsp`` over real stdio) or
``os.pipe`` ends of a server running in a thread of the test process. A reader thread sorts
what arrives into responses (by id) and notifications (by method).
"""
from __future__ import annotations

import json
import queue
import threading
from typing import Any, BinaryIO

TIMEOUT = 60.0  # generous: a slow CI machine, never a timing assertion


class RpcClient:
    def __init__(self, reader: BinaryIO, writer: BinaryIO) -> None:
        self._reader = reader
        self._writer = writer
        self._next = 0
        self._responses: dict[int, "queue.Queue[dict]"] = {}
        self._lock = threading.Lock()
        self.notifications: "queue.Queue[dict]" = queue.Queue()
        self.log: list[dict] = []
        self._thread = threading.Thread(target=self._read_loop, daemon=True)
        self._thread.start()

    # ---- wire ---------------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        with self._lock:
            self._writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self._writer.flush()

    def _read_loop(self) -> None:
        while True:
            length = None
            while True:
                line = self._reader.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(self._reader.read(length).decode("utf-8"))
            self.log.append(message)
            if "id" in message and "method" not in message:
                self._responses.setdefault(message["id"], queue.Queue()).put(message)
            elif "method" in message and "id" in message:
                # a request from the server (e.g. window/workDoneProgress/create): answer null
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            else:
                self.notifications.put(message)

    # ---- API ----------------------------------------------------------------------------------
    def request(self, method: str, params: Any = None) -> Any:
        self._next += 1
        rid = self._next
        box = self._responses.setdefault(rid, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        message = box.get(timeout=TIMEOUT)
        if "error" in message:
            raise RuntimeError(f"{method}: {message['error']}")
        return message.get("result")

    def notify(self, method: str, params: Any = None) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, method: str, predicate=lambda params: True) -> dict:
        """The params of the next notification ``method`` that satisfies ``predicate``."""
        while True:
            message = self.notifications.get(timeout=TIMEOUT)
            if message.get("method") == method and predicate(message.get("params")):
                return message["params"]

    # ---- the LSP conversation -----------------------------------------------------------------
    def initialize(self, root_uri: str | None = None) -> dict:
        result = self.request("initialize", {
            "processId": None, "rootUri": root_uri, "capabilities": {
                "textDocument": {"publishDiagnostics": {"versionSupport": True},
                                 "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {
                                     "valueSet": ["quickfix", "source.fixAll"]}}}},
                "general": {"positionEncodings": ["utf-16"]}},
        })
        self.notify("initialized", {})
        return result

    def open(self, uri: str, text: str, language_id: str = "plaintext", version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language_id, "version": version, "text": text}})

    def diagnostics(self, uri: str, version: int | None = None) -> list[dict]:
        params = self.wait_for("textDocument/publishDiagnostics",
                               lambda p: p["uri"] == uri and (version is None or p.get("version") == version))
        return params["diagnostics"]

    def shutdown(self) -> None:
        self.request("shutdown")
        self.notify("exit")
