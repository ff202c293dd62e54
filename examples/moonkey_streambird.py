"""MoonKey through its vendor's own Python SDK, `streambird` 1.0.7, pointed at Understudy.

The trap: the SDK joins its paths onto `api_instance_url` after `/v1`, so the URL it wants is the
printed MoonKey URL *plus `/v1`*. Given the bare URL, every call is a 404 that the SDK raises as
`StreambirdResourceNotFound`, which reads exactly like "session not found".

    python3 examples/moonkey_streambird.py http://127.0.0.1:4010
"""

import sys

from streambird import Client
from streambird.exceptions import StreambirdResourceNotFound

SECRET_KEY = "sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r"
SESSION_TOKEN = "50ulk0Tqgq3LlelxW3jNjj92yrIpyfPC3qkbXqGMTYkS45OhPtFlG4468lvtqyvs"

client = Client(SECRET_KEY, api_instance_url=sys.argv[1] + "/v1")
deleted = client.sessions.delete(session_token=SESSION_TOKEN)
print("happy path:", deleted)
try:
    client.sessions.delete(session_token=SESSION_TOKEN)
    sys.exit("the second delete should have failed")
except StreambirdResourceNotFound as error:
    print("error path: StreambirdResourceNotFound", getattr(error, "status_code", ""))
