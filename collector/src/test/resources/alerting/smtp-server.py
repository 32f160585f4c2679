"""A real SMTP server on loopback for the notification tests (Debian's python3-aiosmtpd).

Every message received is written to a Maildir. Plain by default; with --cert/--key it offers STARTTLS
and refuses mail before it (or, with --implicit-tls, speaks TLS from the first byte); with --user and
--password it requires AUTH LOGIN/PLAIN. Prints "ready" once it accepts connections and runs until
stdin closes, so it never outlives the test that started it.
"""
import argparse
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--maildir", required=True)
parser.add_argument("--cert")
parser.add_argument("--key")
parser.add_argument("--implicit-tls", action="store_true")
parser.add_argument("--user")
parser.add_argument("--password")
args = parser.parse_args()


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user
          and auth_data.password.decode() == args.password)
    return AuthResult(success=ok, handled=False)


kwargs = {}
if args.cert:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    if args.implicit_tls:
        kwargs["ssl_context"] = context
    else:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = True
if args.user:
    kwargs["authenticator"] = authenticator
    kwargs["auth_required"] = True
    kwargs["auth_require_tls"] = bool(args.cert)

controller = Controller(Mailbox(args.maildir), hostname="127.0.0.1", port=args.port, **kwargs)
controller.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    controller.stop()
