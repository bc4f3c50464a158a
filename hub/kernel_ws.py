"""Run a notebook's code cells in a Jupyter server's kernel over its websocket, as JupyterLab's Run All does.

The legacy JSON framing (no subprotocol asked for), which every jupyter_server speaks. Each cell waits
for its execute_reply and the kernel's return to idle; outputs come back as nbformat dicts.
"""
import json
import time
import uuid

import websocket


class KernelRunError(RuntimeError):
    """The websocket closed or a cell did not finish in time."""


class KernelSocket:
    def __init__(self, url, token, timeout=30):
        self.session = uuid.uuid4().hex
        sep = "&" if "?" in url else "?"
        self.ws = websocket.create_connection(f"{url}{sep}session_id={self.session}",
                                              header=[f"Authorization: token {token}"], timeout=timeout)

    def close(self):
        try:
            self.ws.close()
        except Exception:  # closing a broken socket: nothing left to do
            pass

    def execute(self, code, timeout):
        """Run code; return (outputs, status) with status 'ok' or 'error'."""
        msg_id = uuid.uuid4().hex
        message = {"header": {"msg_id": msg_id, "msg_type": "execute_request", "session": self.session,
                              "username": "student", "version": "5.3", "date": ""},
                   "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                   "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                               "allow_stdin": False, "stop_on_error": True}}
        self.ws.send(json.dumps(message))
        outputs, status, idle = [], None, False
        deadline = time.monotonic() + timeout
        while status is None or not idle:
            left = deadline - time.monotonic()
            if left <= 0:
                raise KernelRunError(f"a cell did not finish in {timeout:.0f} s")
            self.ws.settimeout(min(left, 10))
            try:
                raw = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (websocket.WebSocketException, OSError) as error:
                raise KernelRunError(f"the kernel's websocket closed ({type(error).__name__})") from None
            if not raw or isinstance(raw, bytes):
                continue
            reply = json.loads(raw)
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = reply["header"]["msg_type"], reply["content"]
            if reply.get("channel") == "shell" and kind == "execute_reply":
                status = content.get("status", "error")
            elif kind == "status" and content.get("execution_state") == "idle":
                idle = True
            elif kind == "stream":
                outputs.append({"output_type": "stream", "name": content["name"], "text": content["text"]})
            elif kind in ("execute_result", "display_data"):
                output = {"output_type": kind, "data": content["data"], "metadata": content.get("metadata", {})}
                if kind == "execute_result":
                    output["execution_count"] = content.get("execution_count")
                outputs.append(output)
            elif kind == "error":
                outputs.append({"output_type": "error", "ename": content["ename"], "evalue": content["evalue"],
                                "traceback": content["traceback"]})
            elif kind == "clear_output":
                outputs.clear()
        return outputs, status
