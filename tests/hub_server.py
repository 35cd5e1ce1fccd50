"""A stand-in for the Hugging Face Hub on 127.0.0.1: the two requests `hf_hub_download`
makes (HEAD then GET of `/<owner>/<repo>/resolve/<revision>/<file>`), served from a
dict, with the headers huggingface_hub reads (X-Repo-Commit, ETag, Content-Length).
Every request is recorded, so a test can tell a cache hit from a download."""

import hashlib
import http.server
import threading

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class LoopbackHub:
    """`with LoopbackHub({"owner/repo": {"file": b"..."}}) as hub:` then `hub.endpoint`."""

    def __init__(self, repos):
        self.repos = repos
        self.requests = []
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self):
                self._answer(body=False)

            def do_GET(self):
                self._answer(body=True)

            def _answer(self, body):
                hub.requests.append((self.command, self.path))
                content, error = hub.lookup(self.path)
                if content is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", error)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("X-Repo-Commit", COMMIT)
                self.send_header("ETag", f'"{hashlib.sha256(content).hexdigest()}"')
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                if body:
                    self.wfile.write(content)

            def log_message(self, *args):  # quiet test output
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"

    def lookup(self, path):
        """`(bytes, None)` for a known file, else `(None, the hub's error code)`."""
        parts = path.split("?")[0].strip("/").split("/")
        if len(parts) < 5 or parts[2] != "resolve":
            return None, "RepoNotFound"
        repo = self.repos.get("/".join(parts[:2]))
        if repo is None:
            return None, "RepoNotFound"
        content = repo.get("/".join(parts[4:]))
        return (content, None) if content is not None else (None, "EntryNotFound")

    def downloads(self):
        return [path for method, path in self.requests if method == "GET"]

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
