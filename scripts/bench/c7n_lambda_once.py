"""Cloud Custodian's Lambda entry, as a cold Lambda start runs it minus Lambda's own runtime.

Run from a directory holding config.json (the policy as `custodian` packages it for Lambda) and
custodian_policy.py (the handler module custodian writes into that package: it calls
c7n.handler.dispatch_event). Reads the event from standard input and dispatches it once.
"""
import json
import sys

import custodian_policy

custodian_policy.run(json.load(sys.stdin), None)
