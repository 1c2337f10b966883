"""A stand-in for Kibana's saved-objects import endpoint: records each request, answers as told.

Only the import API's request shape is of interest (path, query, ``kbn-xsrf``, basic auth, the multipart
``file`` field); the stub parses the multipart body with the standard library's MIME parser, so it checks
what a real multipart parser would see.
"""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def multipart_files(self) -> dict[str, tuple[str | None, bytes]]:
        """Form field name -> (file name, content)."""
        envelope = f"Content-Type: {self.headers['content-type']}\r\n\r\n".encode() + self.body
        message: Message = message_from_bytes(envelope)
        files: dict[str, tuple[str | None, bytes]] = {}
        for part in message.get_payload():
            assert isinstance(part, Message)
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            assert isinstance(name, str)
            assert isinstance(payload, bytes)
            files[name] = (part.get_filename(), payload)
        return files


@dataclass
class KibanaStub:
    url: str
    requests: list[RecordedRequest] = field(default_factory=list)
    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"success": True, "successCount": 12})


@contextmanager
def kibana_stub() -> Iterator[KibanaStub]:
    stub = KibanaStub(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            parts = urlsplit(self.path)
            stub.requests.append(
                RecordedRequest(
                    "POST",
                    parts.path,
                    parse_qs(parts.query),
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                )
            )
            encoded = json.dumps(stub.answer).encode()
            self.send_response(stub.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="kibana-stub", daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
