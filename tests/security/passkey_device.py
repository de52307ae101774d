"""A passkey in software, for the tests: what a phone or a security key does when the browser asks
it to make a passkey or to sign a challenge. It signs only; checking is the site's (py_webauthn).
The browser tests use Chromium's own virtual authenticator instead (tests/e2e/test_passkeys.py)."""

import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import bytes_to_base64url

ORIGIN = "http://testserver"  # Django's test client
RP_ID = "testserver"

UP, UV, AT = 0x01, 0x04, 0x40  # user present, user verified, attested credential data follows


class SoftPasskey:
    def __init__(self, user_handle=None):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.user_handle = user_handle or os.urandom(32)
        self.sign_count = 0

    @property
    def id(self):
        return bytes_to_base64url(self.credential_id)

    def cose_public_key(self):
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        )

    def saved_for(self, user, name="Dana's phone"):
        """The site's record of this passkey for `user`, as adding it on My passkeys leaves it."""
        from carter_site.passkeys import Passkey

        return Passkey.objects.create(
            user=user,
            name=name,
            confirmed=True,
            credential_id=self.id,
            public_key=self.cose_public_key(),
            sign_count=self.sign_count,
            user_handle=bytes_to_base64url(self.user_handle),
        )

    @staticmethod
    def client_data(kind, challenge, origin):
        text = {
            "type": kind,
            "challenge": bytes_to_base64url(challenge),
            "origin": origin,
            "crossOrigin": False,
        }
        return json.dumps(text).encode()

    def sign_in_answer(self, challenge, origin=ORIGIN, rp_id=RP_ID, flags=UP | UV, count_up=True):
        """The JSON the sign-in page's script puts in the form, for `challenge` (bytes)."""
        if count_up:
            self.sign_count += 1
        authenticator_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags])
        authenticator_data += struct.pack(">I", self.sign_count)
        client_data = self.client_data("webauthn.get", challenge, origin)
        signature = self.key.sign(
            authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(authenticator_data),
                    "signature": bytes_to_base64url(signature),
                    "userHandle": bytes_to_base64url(self.user_handle),
                },
            }
        )

    def new_passkey_answer(self, challenge, origin=ORIGIN, rp_id=RP_ID):
        """The JSON *My passkeys*' script puts in the form when the device made this passkey."""
        authenticator_data = (
            hashlib.sha256(rp_id.encode()).digest()
            + bytes([UP | UV | AT])
            + struct.pack(">I", self.sign_count)
            + bytes(16)  # no maker's id (attestation "none")
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self.cose_public_key()
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "clientExtensionResults": {},
                "response": {
                    "clientDataJSON": bytes_to_base64url(
                        self.client_data("webauthn.create", challenge, origin)
                    ),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["internal", "hybrid"],
                },
            }
        )
