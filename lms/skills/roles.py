"""Reads and stores ``courses/_roles/<id>.yaml``: a role's title, summary and a target level (1 to 4) with a
one-line reason for each skill it asks. Authors edit these files in Git, like ``_skills.yaml``."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..content.errors import quoted
from ..content.frontmatter import did_you_mean, load_yaml_file
from ..content.steps import ContentStep, register_step
from ..content.sync import SyncReport, count, retire
from ..extensions import db
from ..i18n import _
from .levels import TOP_LEVEL
from .models import Role

if TYPE_CHECKING:
    from ..content.specs import ContentTree
    from ..content.tree import Reader

FOLDER = "courses/_roles"
ROLE_KEYS = ("title", "summary", "targets")
TARGET_KEYS = ("level", "reason")
MAX_TITLE, MAX_REASON, MAX_SLUG = 200, 200, 100


@dataclass
class RoleSpec:
    slug: str
    path: str
    hash: str
    position: int
    title: str = ""
    summary: str = ""
    targets: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_roles(reader: Reader) -> None:
    """Validate every role file against the skills framework, filling ``reader.tree.roles``."""
    from ..content.tree import SLUG  # the reader imports this module's step, not the other way round

    folder = reader.root / FOLDER
    if not folder.exists():
        return
    if not folder.is_dir():
        reader.error(FOLDER, 0, _("_roles must be a folder of <role id>.yaml files"))
        return
    skills = {skill.slug for skill in reader.tree.skills}
    for path in sorted(folder.iterdir()):
        rel = reader.rel(path)
        slug = path.name.removesuffix(".yaml")
        if path.name.startswith("."):
            continue
        if not path.is_file() or not path.name.endswith(".yaml") or not SLUG.match(slug) or len(slug) > MAX_SLUG:
            reader.error(rel, 0, _("a role is a file <role id>.yaml, the id in lowercase a-z, 0-9 and '-'"))
            continue
        data, text = reader.read_text(path)
        if text is None:
            continue
        spec = RoleSpec(slug, rel, hashlib.sha256(data).hexdigest(), len(reader.tree.roles))
        if _read_role(reader, spec, text, skills):
            reader.tree.roles.append(spec)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_role(reader: Reader, spec: RoleSpec, text: str, skills: set[str]) -> bool:
    errors_before = len(reader.tree.errors)
    data, node = load_yaml_file(text, spec.path, reader.tree.errors)
    if data is None:
        if len(reader.tree.errors) == errors_before:
            reader.error(spec.path, 1, _("a role is a mapping with title, summary and targets"))
        return False
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        reader.error(spec.path, 1, _("a role is a mapping with title, summary and targets"))
        return False
    lines = {str(key.value): (_line(key), value) for key, value in node.value}
    for key in sorted(set(map(str, data)) - set(ROLE_KEYS)):
        reader.error(spec.path, lines[key][0], _("unknown key %(key)s%(suggestion)s", key=quoted(key),
                                                 suggestion=did_you_mean(key, ROLE_KEYS)))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        reader.error(spec.path, lines.get("title", (1,))[0], _("a role needs a title"))
    elif len(title.strip()) > MAX_TITLE:
        reader.error(spec.path, lines["title"][0], _("the title is %(length)s characters long; at most %(limit)s are "
                                                     "allowed", length=len(title.strip()), limit=MAX_TITLE))
    else:
        spec.title = title.strip()
    summary = data.get("summary", "")
    if not isinstance(summary, str):
        reader.error(spec.path, lines["summary"][0], _("the summary is a sentence of text"))
    else:
        spec.summary = summary.strip()
    if "targets" not in data:
        reader.error(spec.path, 1, _("a role lists its targets: a level from 1 to %(top)s and a reason per skill",
                                     top=TOP_LEVEL))
    else:
        _read_targets(reader, spec, lines["targets"], skills)
    return len(reader.tree.errors) == errors_before


def _read_targets(reader: Reader, spec: RoleSpec, where: tuple[int, yaml.Node], skills: set[str]) -> None:
    line, node = where
    if not isinstance(node, yaml.MappingNode) or not node.value:
        reader.error(spec.path, line, _("targets maps each skill id to its level and reason"))
        return
    seen: set[str] = set()
    for key_node, value_node in node.value:
        skill, at = str(key_node.value), _line(key_node)
        if skill not in skills:
            reader.error(spec.path, at, _("unknown skill %(skill)s%(suggestion)s", skill=quoted(skill),
                                          suggestion=did_you_mean(skill, skills)))
            continue
        if skill in seen:
            reader.error(spec.path, at, _("the skill %(skill)s is listed twice", skill=quoted(skill)))
            continue
        seen.add(skill)
        target = _read_target(reader, spec.path, skill, at, value_node)
        if target is not None:
            spec.targets[skill] = target


def _read_target(reader: Reader, path: str, skill: str, line: int, node: yaml.Node) -> dict[str, Any] | None:
    if not isinstance(node, yaml.MappingNode):
        reader.error(path, line, _("%(skill)s: write a level and a reason", skill=quoted(skill)))
        return None
    values = {str(key.value): (_line(key), value) for key, value in node.value}
    ok = True
    for key in sorted(set(values) - set(TARGET_KEYS)):
        reader.error(path, values[key][0], _("unknown key %(key)s%(suggestion)s", key=quoted(key),
                                             suggestion=did_you_mean(key, TARGET_KEYS)))
        ok = False
    level_line, level_node = values.get("level", (line, None))
    level = _whole_number(level_node)
    if level is None or not 1 <= level <= TOP_LEVEL:
        reader.error(path, level_line, _("%(skill)s: the level is a whole number from 1 to %(top)s",
                                         skill=quoted(skill), top=TOP_LEVEL))
        ok = False
    reason_line, reason_node = values.get("reason", (line, None))
    reason = reason_node.value.strip() if isinstance(reason_node, yaml.ScalarNode) else ""
    if not reason or "\n" in reason or len(reason) > MAX_REASON:
        reader.error(path, reason_line, _("%(skill)s: the reason is one line of at most %(limit)s characters",
                                          skill=quoted(skill), limit=MAX_REASON))
        ok = False
    return {"level": level, "reason": reason} if ok else None


def _whole_number(node: yaml.Node | None) -> int | None:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:int":
        return None
    try:
        return int(node.value)
    except ValueError:
        return None


def sync_roles(tree: ContentTree, report: SyncReport) -> list[Role]:
    """Store each role (in place, by id); a role whose file is gone is retired."""
    rows = {role.slug: role for role in db.session.execute(db.select(Role)).scalars()}
    for spec in tree.roles:
        row = rows.get(spec.slug)
        if row is not None and row.content_hash == spec.hash and not row.retired and row.position == spec.position:
            report.unchanged += 1
            continue
        created = row is None
        if created:
            row = rows[spec.slug] = Role(slug=spec.slug)
            db.session.add(row)
        row.title, row.summary, row.targets, row.position = spec.title, spec.summary, spec.targets, spec.position
        row.source_path, row.content_hash, row.retired = spec.path, spec.hash, False
        count(report, created)
    retire(rows.values(), lambda role: role.slug in {spec.slug for spec in tree.roles}, report)
    return list(rows.values())


def _store(tree: ContentTree, courses: dict, modules: dict, report: SyncReport) -> list[tuple[int, str]]:
    """Roles belong to no course: nothing for the course outlines."""
    sync_roles(tree, report)
    return []


register_step(ContentStep("roles", read=read_roles, known=lambda: [], store=_store))
