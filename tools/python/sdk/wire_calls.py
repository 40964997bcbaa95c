"""Drives the official `openai` Python SDK through a list of Responses API calls.

Used by client-tests/tests/sdk_wire.rs, which records what arrives on a loopback server and
compares it with what the Rust client sends for the same calls.

    python wire_calls.py BASE_URL CALLS_JSON

CALLS_JSON is a list of {"name", "op", "id"?, "args"}; each call is made with the header
`x-wire-call: NAME` so the recorder can tell the calls apart. One JSON line per call is printed
on stdout: {"call": NAME, "summary": ...}, a digest of what the SDK decoded.
"""

import json
import sys

import openai


def summary_of_response(r):
    return {"id": r.id, "status": r.status, "output_text": r.output_text}


def summary_of_events(stream):
    return [[e.type, e.sequence_number] for e in stream]


def run(client, call):
    op, args = call["op"], dict(call.get("args") or {})
    rid = call.get("id")
    responses = client.responses
    headers = {"x-wire-call": call["name"]}
    if op == "create":
        return summary_of_response(responses.create(**args, extra_headers=headers))
    if op == "create_stream":
        return summary_of_events(responses.create(**args, stream=True, extra_headers=headers))
    if op == "retrieve":
        return summary_of_response(responses.retrieve(rid, **args, extra_headers=headers))
    if op == "retrieve_stream":
        stream = responses.retrieve(rid, **args, stream=True, extra_headers=headers)
        return summary_of_events(stream)
    if op == "delete":
        # The SDK returns None for a delete: there is nothing decoded to compare.
        responses.delete(rid, extra_headers=headers)
        return None
    if op == "cancel":
        return summary_of_response(responses.cancel(rid, extra_headers=headers))
    if op == "input_items":
        page = responses.input_items.list(rid, **args, extra_headers=headers)
        return {"ids": [item.id for item in page.data], "has_more": page.has_more}
    if op == "input_tokens":
        return {"input_tokens": responses.input_tokens.count(**args, extra_headers=headers).input_tokens}
    if op == "compact":
        c = responses.compact(**args, extra_headers=headers)
        return {"id": c.id, "object": c.object, "items": len(c.output)}
    raise SystemExit(f"unknown op {op!r}")


def main():
    base_url, calls_path = sys.argv[1], sys.argv[2]
    with open(calls_path, encoding="utf-8") as f:
        calls = json.load(f)
    client = openai.OpenAI(
        api_key="sk-wire",
        base_url=base_url,
        organization="org-wire",
        project="proj-wire",
        max_retries=2,
        timeout=30.0,
    )
    for call in calls:
        out = {"call": call["name"], "summary": run(client, call)}
        print(json.dumps(out, sort_keys=True), flush=True)
    print(json.dumps({"sdk_version": openai.__version__}), flush=True)


if __name__ == "__main__":
    main()
