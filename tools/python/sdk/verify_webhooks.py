"""Verdicts of openai-python's `client.webhooks.verify_signature` (and `unwrap`, for the type and
response id) on the cases read from stdin (client-tests/tests/webhooks.rs), with the clock fixed
at argv[1] (Unix seconds). Prints [{name, verdict, type, data_id}]: the verdict is `ok` or the
exception's message."""

import json
import sys
import types

import openai
from openai.resources.webhooks import webhooks as webhooks_module

now = int(sys.argv[1])
# The SDK reads `time.time()` of its module: a fixed clock, as the Rust side sets one.
webhooks_module.time = types.SimpleNamespace(time=lambda: float(now))
client = openai.OpenAI(api_key="unused", base_url="http://127.0.0.1:9")

out = []
for case in json.load(sys.stdin):
    result = {"name": case["name"], "verdict": "ok", "type": None, "data_id": None}
    try:
        client.webhooks.verify_signature(case["body"], case["headers"], secret=case["secret"])
        try:
            event = client.webhooks.unwrap(case["body"], case["headers"], secret=case["secret"])
            result["type"] = getattr(event, "type", None)
            data = getattr(event, "data", None)
            result["data_id"] = data.get("id") if isinstance(data, dict) else getattr(data, "id", None)
        except Exception as e:  # noqa: BLE001 - the unwrap's failure is reported, not raised
            result["type"] = "unwrap failed: " + type(e).__name__
    except Exception as e:  # noqa: BLE001 - every refusal is a verdict
        result["verdict"] = str(e)
    out.append(result)
json.dump(out, sys.stdout)
