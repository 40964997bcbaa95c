"""Drives the official `openai` Python SDK's WebSocket mode, `client.responses.connect()`.

Used by client-tests/tests/sdk_websocket.rs, which records what arrives on a loopback WebSocket
server and compares it with what the Rust client sends for the same turns.

    python ws_calls.py BASE_URL TURNS_JSON

TURNS_JSON is a list of {"args", "stream_id"?}: each turn sends one `response.create` (through
`connection.response.create(**args)`, or `connection.send({...})` when it names a lane) and reads
events until the response ends. One JSON line is printed per turn: the event types received and
the final response's id and output text.
"""

import json
import sys

import openai

ENDS = {"response.completed", "response.failed", "response.incomplete", "error"}


def main():
    base_url, turns_path = sys.argv[1], sys.argv[2]
    with open(turns_path, encoding="utf-8") as f:
        turns = json.load(f)
    client = openai.OpenAI(api_key="sk-wire-test", base_url=base_url, max_retries=0)
    headers = {"OpenAI-Beta": "responses_websockets=2026-02-06"}
    with client.responses.connect(extra_headers=headers) as connection:
        for turn in turns:
            args = dict(turn["args"])
            if "stream_id" in turn:
                connection.send({"type": "response.create", "stream_id": turn["stream_id"], **args})
            else:
                connection.response.create(**args)
            types, final = [], None
            for event in connection:
                types.append(event.type)
                if event.type in ENDS:
                    final = getattr(event, "response", None)
                    break
            summary = {"types": types}
            if final is not None:
                summary["id"] = final.id
                summary["output_text"] = final.output_text
            print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
