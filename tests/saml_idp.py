"""A SAML 2.0 identity provider for the tests: a signing key and certificate made here, the
answers it signs (python3-saml's signing, xmlsec underneath), its metadata, and a small HTTP
server that does what Microsoft Entra ID or Okta do in a browser: read the AuthnRequest sent
to its sign-in URL, ask who is signing in, and post its signed answer back to the site."""

import base64
import datetime as dt
import html
import http.server
import re
import secrets
import threading
import zlib
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

ENTITY_ID = "https://idp.ourorg.example/saml"
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
}
# Microsoft Entra ID's claim names, which the product's default attribute mapping reads.
CLAIMS = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/"


def entra_claims(email: str, first: str, last: str) -> dict[str, str]:
    return {f"{CLAIMS}emailaddress": email, f"{CLAIMS}givenname": first, f"{CLAIMS}surname": last}


def key_and_certificate(name: str = "idp.ourorg.example") -> tuple[str, str]:
    """A signing key and its self-signed certificate, in PEM."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def certificate_body(cert_pem: str) -> str:
    """The certificate as administrators usually paste it: the PEM's base64 on one line."""
    return "".join(cert_pem.strip().splitlines()[1:-1])


def authn_request(redirect_url: str) -> tuple[etree._Element, str]:
    """The AuthnRequest and RelayState of the HTTP-Redirect binding's address."""
    query = parse_qs(urlsplit(redirect_url).query)
    xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    return etree.fromstring(xml), query.get("RelayState", [""])[0]


def signed_response(
    keys: tuple[str, str],
    *,
    acs_url: str,
    audience: str,
    in_response_to: str,
    attributes: dict[str, str],
    entity_id: str = ENTITY_ID,
) -> str:
    """The identity provider's answer: a Response holding an Assertion it signed, about a
    person it knows by an opaque persistent NameID, with `attributes`."""
    key_pem, cert_pem = keys
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def instant(minutes=0):
        return (now + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

    values = "".join(
        f'<saml:Attribute Name="{html.escape(name)}">'
        f"<saml:AttributeValue>{html.escape(value)}</saml:AttributeValue></saml:Attribute>"
        for name, value in attributes.items()
    )
    assertion = f"""<saml:Assertion xmlns:saml="{NS["saml"]}" ID="_a{secrets.token_hex(16)}" Version="2.0" IssueInstant="{instant()}">
<saml:Issuer>{entity_id}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">id-{secrets.token_hex(8)}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{instant(5)}" Recipient="{acs_url}" InResponseTo="{in_response_to}"/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{instant(-1)}" NotOnOrAfter="{instant(5)}">
<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{instant()}" SessionIndex="_s{secrets.token_hex(8)}">
<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>{values}</saml:AttributeStatement>
</saml:Assertion>"""
    signed = OneLogin_Saml2_Utils.add_sign(
        assertion,
        key_pem,
        cert_pem,
        sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
        digest_algorithm=OneLogin_Saml2_Constants.SHA256,
    ).decode()
    signed = re.sub(r"^<\?xml[^>]*\?>\s*", "", signed)
    return (
        f'<samlp:Response xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" '
        f'ID="_r{secrets.token_hex(16)}" Version="2.0" IssueInstant="{instant()}" '
        f'Destination="{acs_url}" InResponseTo="{in_response_to}">'
        f"<saml:Issuer>{entity_id}</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        f"</samlp:Status>{signed}</samlp:Response>"
    )


def encoded(response_xml: str) -> str:
    return base64.b64encode(response_xml.encode()).decode()


def metadata(cert_pem: str, sso_url: str, entity_id: str = ENTITY_ID) -> bytes:
    return f"""<md:EntityDescriptor xmlns:md="{NS["md"]}" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{entity_id}">
<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{certificate_body(cert_pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{sso_url}"/>
</md:IDPSSODescriptor>
</md:EntityDescriptor>""".encode()


class IdentityProvider:
    """An identity provider serving at http://127.0.0.1:<port>: its metadata at /metadata,
    its sign-in at /sso, where a person types their address (the directory: address ->
    attributes) and their browser posts the signed answer back to the requesting site."""

    def __init__(self, keys: tuple[str, str], directory: dict[str, dict[str, str]]):
        self.keys, self.directory = keys, directory
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.sso_url, self.metadata_url = f"{self.url}/sso", f"{self.url}/metadata"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def page(self, body: str) -> bytes:
        return f"<!doctype html><html><head><title>Organisation sign-in</title></head><body>{body}</body></html>".encode()

    def sign_in(self, query: dict) -> bytes:
        request = query["SAMLRequest"][0]
        relay = query.get("RelayState", [""])[0]
        return self.page(
            "<h1>Organisation sign-in</h1>"
            f'<form method="post" action="/sso/answer">'
            f'<input type="hidden" name="SAMLRequest" value="{html.escape(request)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
            '<label>Email <input name="email"></label><button>Sign in</button></form>'
        )

    def answer(self, form: dict) -> bytes:
        xml = zlib.decompress(base64.b64decode(form["SAMLRequest"][0]), -15)
        request = etree.fromstring(xml)
        acs_url = request.get("AssertionConsumerServiceURL")
        response = signed_response(
            self.keys,
            acs_url=acs_url,
            audience=request.findtext("saml:Issuer", namespaces=NS),
            in_response_to=request.get("ID"),
            attributes=self.directory[form["email"][0]],
        )
        relay = form.get("RelayState", [""])[0]
        # As identity providers do: a form the page posts at once to the site's ACS.
        return self.page(
            f'<form method="post" action="{html.escape(acs_url)}">'
            f'<input type="hidden" name="SAMLResponse" value="{encoded(response)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
            "<noscript><button>Continue</button></noscript></form>"
            "<script>document.forms[0].submit()</script>"
        )

    def handler(self):
        idp = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self, body: bytes, content_type="text/html"):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlsplit(self.path)
                if url.path == "/metadata":
                    self.reply(metadata(idp.keys[1], idp.sso_url), "application/samlmetadata+xml")
                else:
                    self.reply(idp.sign_in(parse_qs(url.query)))

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                self.reply(idp.answer(parse_qs(self.rfile.read(length).decode())))

            def log_message(self, *args):
                pass

        return Handler
