"""Signs the webhook cases of client-tests/tests/webhooks.rs with the Standard Webhooks reference
library and prints them as JSON: [{name, secret, body, headers}], all relative to `now` (argv[1],
Unix seconds). Each case is then verified by our `Webhooks` and by openai-python."""

import base64
import json
import sys
from datetime import datetime, timezone

from standardwebhooks import Webhook

now = int(sys.argv[1])
SECRET = "whsec_" + base64.b64encode(b"the-endpoint-secret-32-bytes-long").decode()
OLD_SECRET = "whsec_" + base64.b64encode(b"the-previous-secret-before-rotation").decode()
OTHER_SECRET = "whsec_" + base64.b64encode(b"another-endpoint-entirely").decode()
RAW_SECRET = "a-raw-secret-without-prefix"


def event(kind, response_id="resp_123"):
    return json.dumps({
        "id": "evt_" + kind.replace(".", "_"),
        "object": "event",
        "created_at": now - 5,
        "type": kind,
        "data": {"id": response_id},
    })


def signed(secret, body, at=now, msg_id="msg_1"):
    # The reference library takes the secret as the dashboard shows it, or as raw key bytes.
    key = secret if secret.startswith("whsec_") else secret.encode()
    signature = Webhook(key).sign(msg_id, datetime.fromtimestamp(at, tz=timezone.utc), body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(at), "webhook-signature": signature}


cases = []


def case(name, body, headers, secret=SECRET):
    cases.append({"name": name, "secret": secret, "body": body, "headers": headers})


for kind in ["response.completed", "response.failed", "response.cancelled", "response.incomplete", "batch.completed"]:
    body = event(kind)
    case("valid " + kind, body, signed(SECRET, body))
body = event("response.completed")
case("tampered body", body.replace("resp_123", "resp_999"), signed(SECRET, body))
tampered_id = signed(SECRET, body)
tampered_id["webhook-id"] = "msg_2"
case("tampered id", body, tampered_id)
case("stale by 301 s", body, signed(SECRET, body, at=now - 301))
case("stale by exactly 300 s", body, signed(SECRET, body, at=now - 300))
case("future by 301 s", body, signed(SECRET, body, at=now + 301))
case("future by 300 s", body, signed(SECRET, body, at=now + 300))
case("wrongly keyed", body, signed(OTHER_SECRET, body))
unsigned = signed(SECRET, body)
del unsigned["webhook-signature"]
case("unsigned", body, unsigned)
no_id = signed(SECRET, body)
del no_id["webhook-id"]
case("no webhook-id", body, no_id)
bad_ts = signed(SECRET, body)
bad_ts["webhook-timestamp"] = "yesterday"
case("timestamp not a number", body, bad_ts)
rotated = signed(SECRET, body)
rotated["webhook-signature"] = signed(OLD_SECRET, body)["webhook-signature"] + " " + rotated["webhook-signature"]
case("rotated, new secret", body, rotated)
case("rotated, old secret", body, rotated, secret=OLD_SECRET)
case("rotated, neither secret", body, rotated, secret=OTHER_SECRET)
case("raw secret", body, signed(RAW_SECRET, body), secret=RAW_SECRET)
case("raw secret, whsec_ on our side", body, signed(RAW_SECRET, body), secret=SECRET)
unicode = event("response.completed", response_id="resp_é✓")
case("non-ASCII body", unicode, signed(SECRET, unicode))
case("signed, not JSON", "not json", signed(SECRET, "not json"))

json.dump(cases, sys.stdout)
