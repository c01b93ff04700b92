"""A kernel of a learner's single-user server, started and run through its REST API and websocket, as JupyterLab does."""

import json
import time
import urllib.request
import uuid

import websocket

# The longest a cell may run: a notebook's first cell replays up to five notebooks' worth of Django commands.
CELL_TIMEOUT = 300


def request(method, url, token, body=None, timeout=60):
    """Send one JSON request with TOKEN; return the decoded answer (None for an empty one)."""
    data = None if body is None else json.dumps(body).encode()
    sent = urllib.request.Request(url, data=data, method=method,
                                  headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(sent, timeout=timeout) as answer:
        text = answer.read()
    return json.loads(text) if text else None


class Kernel:
    """A python3 kernel of the server at BASE (e.g. http://127.0.0.1:8000/user/learner1), started in PATH."""

    def __init__(self, base, token, path):
        self.base, self.token = base, token
        self.id = request("POST", f"{base}/api/kernels", token, {"name": "python3", "path": path})["id"]
        self.session = uuid.uuid4().hex
        ws_base = base.replace("http://", "ws://", 1)
        try:
            self.socket = websocket.create_connection(
                f"{ws_base}/api/kernels/{self.id}/channels?session_id={self.session}",
                header=[f"Authorization: token {token}"], timeout=CELL_TIMEOUT)
        except Exception:
            self.shutdown()
            raise

    def execute(self, code):
        """Run CODE; return (outputs as a notebook stores them, the execute_reply's status)."""
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                  "username": "learner", "version": "5.3", "date": ""}
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        self.socket.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                     "channel": "shell", "buffers": []}))
        outputs, status, idle, clear_pending = [], None, False, False
        deadline = time.monotonic() + CELL_TIMEOUT
        while status is None or not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the cell ran past {CELL_TIMEOUT} s:\n{code}")
            message = json.loads(self.socket.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, body = message["header"]["msg_type"], message["content"]
            if message["channel"] == "shell" and kind == "execute_reply":
                status = body["status"]
            elif kind == "status":
                idle = body["execution_state"] == "idle"
            elif kind == "clear_output":
                outputs, clear_pending = ([], False) if not body.get("wait") else (outputs, True)
            elif kind in ("stream", "display_data", "execute_result", "error"):
                if clear_pending:
                    outputs, clear_pending = [], False
                outputs.append(_output(kind, body))
        return outputs, status

    def shutdown(self):
        """Close the websocket and stop the kernel."""
        socket = getattr(self, "socket", None)
        if socket is not None:
            socket.close()
        request("DELETE", f"{self.base}/api/kernels/{self.id}", self.token)


def _output(kind, body):
    """Return the notebook output for an iopub message of KIND with content BODY."""
    if kind == "stream":
        return {"output_type": "stream", "name": body["name"], "text": body["text"]}
    if kind == "error":
        return {"output_type": "error", "ename": body["ename"], "evalue": body["evalue"],
                "traceback": body["traceback"]}
    return {"output_type": kind, "data": body["data"], "metadata": body.get("metadata", {})}
