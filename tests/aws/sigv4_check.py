#!/usr/bin/env python3
"""Check an AWS MSK IAM token with an independent SigV4 implementation
(Python's standard library only, after AWS's published algorithm):

    sigv4_check.py SECRET_ACCESS_KEY < token

The token is base64url of a presigned GET URL for kafka-cluster:Connect.
Prints the URL's parts and exits 0 when the signature is the one the
secret key gives, 1 when it is not."""

import base64
import hashlib
import hmac
import sys
from urllib.parse import parse_qsl, quote, urlsplit


def uri_encode(s):
    return quote(s, safe="-_.~")


def main():
    secret = sys.argv[1]
    token = sys.stdin.read().strip()
    url = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    given = dict(params)["X-Amz-Signature"]
    # AWS's MSK signers (Go, Python, Java) add User-Agent after signing;
    # MSK leaves it out when it checks.
    rest = sorted((k, v) for k, v in params if k not in ("X-Amz-Signature", "User-Agent"))
    query = "&".join(f"{uri_encode(k)}={uri_encode(v)}" for k, v in rest)
    fields = dict(rest)
    date = fields["X-Amz-Date"]
    scope = fields["X-Amz-Credential"].split("/", 1)[1]
    day, region, service, _ = scope.split("/")
    canonical = "\n".join([
        "GET", parts.path or "/", query,
        f"host:{parts.netloc}\n", fields["X-Amz-SignedHeaders"],
        hashlib.sha256(b"").hexdigest(),
    ])
    to_sign = "\n".join([fields["X-Amz-Algorithm"], date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in [day, region, service, "aws4_request"]:
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    want = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if "User-Agent" not in dict(params):
        print("no User-Agent parameter")
        sys.exit(1)
    print(f"host={parts.netloc} action={fields['Action']} region={region} service={service} "
          f"expires={fields['X-Amz-Expires']} signed_headers={fields['X-Amz-SignedHeaders']}")
    if not hmac.compare_digest(want, given):
        print(f"signature mismatch: token has {given}, the key gives {want}")
        sys.exit(1)
    print("signature verified")


if __name__ == "__main__":
    main()
