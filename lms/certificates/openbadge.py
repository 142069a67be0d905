"""Open Badges 3.0: each certificate as an OpenBadgeCredential (W3C VC 2.0 data model) secured as a
VC-JWT (RS256), and the school's revocation list as a Bitstring Status List credential."""
from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from ..catalog.models import ProgrammeCourse, Skill, course_skills
from ..extensions import db
from ..i18n import DEFAULT_LANGUAGE, _, force_locale
from ..schools.models import School
from ..schools.services import acting_for
from ..schools.settings import branding
from ..web import public_url
from .formatting import hours_of_study, long_date
from .keys import SigningKey, b64url
from .models import STATUS_LIST_BITS, Certificate, PublishedKey
from .signing import signing_key

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
STATUS_LIST_LIFETIME = timedelta(days=1)  # a copy older than this is stale, so a replay cannot un-revoke
SKILLS_FRAMEWORK = "Conductor skills framework"
# OB 3.0's AlignmentTargetType names CASE items (CFItem...) and Credential Engine terms (ceasn:Competency...);
# a skill of our own framework is neither, so it takes an extension term, which the enumeration allows as "ext:".
SKILL_TARGET_TYPE = "ext:Skill"


@dataclass(frozen=True)
class Links:
    credential: str  # the verification page, also the credential's id
    issuer: str
    achievement: str
    status_list: str
    school: str  # the school's site


def links_for(certificate: Certificate) -> Links:
    """Every address the credential names, on its school's own host (whichever site asks)."""
    school = db.session.get(School, certificate.school_id)
    page = "catalog.course" if certificate.kind == "course" else "catalog.programme"
    with acting_for(school):
        return Links(credential=public_url("verification.verify", credential_id=certificate.credential_id),
                     issuer=public_url("verification.issuer", slug=school.slug),
                     achievement=public_url(page, slug=certificate.achievement_slug),
                     status_list=public_url("verification.status_list", slug=school.slug),
                     school=public_url("catalog.home"))


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _logo_image(logo_id: int | None) -> dict | None:
    """An OB 3.0 Image of a school logo (its address never changes: a new logo is a new address)."""
    return {"id": public_url("school.logo", logo_id=logo_id), "type": "Image"} if logo_id else None


def issuer_profile(school: School) -> dict:
    """The school's public Profile, served at the URL every credential of the school names as its issuer:
    its name, its own site (the school's first host), its contact e-mail and its logo, as they are now."""
    with acting_for(school):
        settings = branding(school)
        profile = {"@context": [VC_CONTEXT, OB_CONTEXT], "id": public_url("verification.issuer", slug=school.slug),
                   "type": ["Profile"], "name": settings.name, "url": public_url("catalog.home")}
        if settings.contact_email:
            profile["email"] = settings.contact_email
        if image := _logo_image(settings.logo_id):
            profile["image"] = image
    return profile


def issuer_of(certificate: Certificate, links: Links) -> dict:
    """The issuer as the credential names it: the school's profile address, and its name and logo as they
    were when the certificate was issued (a reissue takes the current ones)."""
    issuer = {"id": links.issuer, "type": ["Profile"], "name": certificate.school_name, "url": links.school}
    if image := _logo_image(certificate.logo_id):
        issuer["image"] = image
    return issuer


def skills_of(certificate: Certificate) -> list[Skill]:
    """The skills the certificate was issued for (kept at issue, in their order); for one issued before they were
    kept, the live skills of its course, or the union of its programme's courses' skills, in the framework's
    order (none once the course or programme is gone)."""
    if certificate.skills is not None:
        found = {skill.slug: skill for skill in db.session.execute(
            db.select(Skill).where(Skill.slug.in_(certificate.skills))).scalars()}
        return [found[slug] for slug in certificate.skills if slug in found]
    if certificate.kind == "course" and certificate.course_id is not None:
        courses = [certificate.course_id]
    elif certificate.kind != "course" and certificate.programme_id is not None:
        courses = db.select(ProgrammeCourse.course_id).where(ProgrammeCourse.programme_id == certificate.programme_id)
    else:
        return []
    query = (db.select(Skill).join(course_skills, course_skills.c.skill_id == Skill.id)
             .where(course_skills.c.course_id.in_(courses), Skill.retired.is_(False)).distinct().order_by(Skill.position))
    return list(db.session.execute(query).scalars())


def alignments(certificate: Certificate) -> list[dict]:
    """OB 3.0 ``Alignment`` entries of the achievement: one per skill, pointing at the skill's public page on the
    certificate's school's site."""
    school = db.session.get(School, certificate.school_id)
    with acting_for(school):
        return [{"type": ["Alignment"], "targetName": skill.name,
                 **({"targetDescription": skill.description} if skill.description else {}),
                 "targetUrl": public_url("skills.skill", slug=skill.slug), "targetFramework": SKILLS_FRAMEWORK,
                 "targetCode": skill.slug, "targetType": SKILL_TARGET_TYPE}
                for skill in skills_of(certificate)]


def credential(certificate: Certificate, links: Links) -> dict:
    """The OpenBadgeCredential: what the certificate says, as it was issued, in the certificate's language.

    Open Badges 3.0 types ``name`` and ``description`` (of the credential and of the achievement) as plain
    strings, so the VC 2.0 language value objects (``{"@value": ..., "@language": ...}``) would fail its
    JSON Schema; the language goes where OB 3.0 puts it: the achievement's ``inLanguage`` (a BCP 47 tag,
    schema.org's inLanguage in the OB 3.0 context)."""
    language = certificate.language or DEFAULT_LANGUAGE
    with force_locale(language):
        hours = hours_of_study(certificate.hours, language)
        completed = long_date(certificate.completed_at, language)
        name = _("Certificate of completion: %(title)s", title=certificate.title)
        if certificate.kind == "course":
            description = _("%(name)s completed the course %(title)s on %(date)s.", name=certificate.holder_name,
                            title=certificate.title, date=completed)
        else:
            description = _("%(name)s completed the programme %(title)s on %(date)s.",
                            name=certificate.holder_name, title=certificate.title, date=completed)
    achievement = {
        "id": links.achievement, "type": ["Achievement"], "achievementType": "CertificateOfCompletion",
        "name": certificate.title,
        "description": f"{certificate.description} ({hours})".strip(),
        "criteria": {"narrative": certificate.criteria},
        "inLanguage": language,
    }
    if aligned := alignments(certificate):
        achievement["alignment"] = aligned
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": links.credential,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_of(certificate, links),
        "validFrom": iso(certificate.issued_at),
        "awardedDate": iso(certificate.completed_at),
        "name": name,
        "description": description,
        "credentialSubject": {
            "type": ["AchievementSubject"], "name": certificate.holder_name,
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": certificate.holder_name}],
            "achievement": achievement,
        },
        "credentialStatus": {
            "id": f"{links.status_list}#{certificate.status_index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(certificate.status_index),
            "statusListCredential": links.status_list,
        },
    }


def jwt_claims(document: dict, issued: datetime) -> dict:
    """VC-JWT: the credential is the payload, with the registered claims OB 3.0 asks for."""
    issuer = document["issuer"]
    seconds = int(issued.timestamp())
    return {**document, "iss": issuer["id"] if isinstance(issuer, dict) else issuer, "jti": document["id"],
            "nbf": seconds, "iat": seconds}


def sign(claims: dict, key: SigningKey, kid: str) -> str:
    """A compact JWS (RS256); deterministic for a given key and payload (PKCS#1 v1.5)."""
    header = {"alg": "RS256", "typ": "JWT", "kid": kid}
    signing_input = ".".join(b64url(json.dumps(part, separators=(",", ":"), ensure_ascii=False).encode())
                             for part in (header, claims))
    signature = key.private_key.sign(signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(signature)}"


def key_url(school: School, key: SigningKey | PublishedKey) -> str:
    """The JWT ``kid``: a URL under the school's issuer that dereferences to the public key (JWK), as OB 3.0 asks."""
    with acting_for(school):
        return public_url("verification.issuer_key", slug=school.slug, kid=key.kid)


def signed_credential(certificate: Certificate) -> str:
    """The credential signed with its school's current key."""
    school = db.session.get(School, certificate.school_id)
    key = signing_key(school)
    claims = jwt_claims(credential(certificate, links_for(certificate)), certificate.issued_at)
    return sign(claims, key, key_url(school, key))


def encoded_list(indexes: list[int]) -> str:
    """The Bitstring Status List ``encodedList``: GZIP of the bits (first bit = index 0), multibase base64url."""
    size = max(STATUS_LIST_BITS, (max(indexes, default=0) // STATUS_LIST_BITS + 1) * STATUS_LIST_BITS)
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    return "u" + b64url(gzip.compress(bytes(bits), mtime=0))


def status_list_credential(school: School, revoked: list[int], now: datetime) -> str:
    """The signed revocation list every credential of the school points at; re-signed on each request."""
    url = public_url("verification.status_list", slug=school.slug)
    document = {
        "@context": [VC_CONTEXT], "id": url, "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": public_url("verification.issuer", slug=school.slug),
        "validFrom": iso(now), "validUntil": iso(now + STATUS_LIST_LIFETIME),
        "credentialSubject": {"id": url + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encoded_list(revoked)},
    }
    key = signing_key(school)
    return sign(jwt_claims(document, now), key, key_url(school, key))
