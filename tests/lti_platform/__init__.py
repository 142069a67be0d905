"""An independent LTI 1.3 platform for Conductor's tests, run as a separate process on loopback.

The protocol work (signing id tokens, issuing access tokens against the tool's signed assertion, validating the
tool's deep-linking response, the AGS and NRPS services) is done by the `lti1p3platform` library; this package
is its adapter to a plain Werkzeug server, the state a platform keeps (registrations, gradebook, members), the
parts of the specifications the library lacks (see `server.py` and `dynreg.py`), and a control API for the
tests (`client.PlatformClient`, the `lti_platform` fixture in `fixtures.py`). See README.md.
"""
