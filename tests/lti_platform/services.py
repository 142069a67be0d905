"""AGS (line items, scores, results) and NRPS (members) over the platform's state, through the library's services.

The library authenticates each call (bearer token signed by this platform, unexpired, with a scope the service
allows) and dispatches; these subclasses store and read the data. The library leaves the score unchecked ("TODO:
validate score"): `update_score` checks the fields the AGS specification makes required and refuses a score
older than the last one recorded (409), as the specification allows.
"""
from __future__ import annotations

import time
import typing as t
from datetime import datetime

from lti1p3platform.exceptions import LineItemNotFoundException, LtiServiceException
from lti1p3platform.membership import Context
from lti1p3platform.score import ActivityProgress, GradeProgress, UpdateScoreStatus
from lti1p3platform.service_connector import AssignmentsGradesService, NamesRoleProvisioningService

from .state import LineItem, State

ACTIVITY = {item.value for item in ActivityProgress}
GRADING = {item.value for item in GradeProgress}


def parse_timestamp(value: t.Any) -> datetime:
    if not isinstance(value, str):
        raise LtiServiceException("timestamp is required", 400)
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise LtiServiceException("timestamp is not ISO 8601", 400) from error
    if stamp.tzinfo is None:
        raise LtiServiceException("timestamp needs a time zone", 400)
    return stamp


def page_of(items: list[t.Any], page: int, limit: int | None) -> dict[str, t.Any]:
    if not limit:
        return {"content": items, "has_next": False, "next": None}
    start = (max(page, 1) - 1) * limit
    return {"content": items[start:start + limit], "has_next": start + limit < len(items), "next": None}


class Gradebook(AssignmentsGradesService):
    """AGS for one context, on behalf of the client the access token was issued to."""

    def __init__(self, *args: t.Any, state: State, context_id: str, client_id: str, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.state, self.context_id, self.client_id = state, context_id, client_id

    def _items(self) -> list[LineItem]:
        return [item for item in self.state.line_items.values()
                if item.context_id == self.context_id and item.client_id == self.client_id]

    def find_lineitems(self, page: int = 1, limit: int | None = None, line_item_id: str | None = None,
                       resource_link_id: str | None = None, resource_id: str | None = None,
                       tag: str | None = None, **_: t.Any) -> dict[str, t.Any]:
        items = [item.as_json() for item in self._items()
                 if (resource_link_id is None or item.resource_link_id == resource_link_id)
                 and (resource_id is None or item.resource_id == resource_id) and (tag is None or item.tag == tag)]
        return page_of(items, page, limit)

    def _item(self, line_item_id: str) -> LineItem:
        item = self.state.line_items.get(line_item_id)
        if item is None or item.context_id != self.context_id or item.client_id != self.client_id:
            raise LineItemNotFoundException(line_item_id)
        return item

    def find_lineitem(self, line_item_id: str) -> dict[str, t.Any]:
        return self._item(line_item_id).as_json()

    def create_lineitem(self, creation_data: dict[str, t.Any]) -> dict[str, t.Any]:
        if not isinstance(creation_data, dict) or not creation_data.get("label") \
                or not isinstance(creation_data.get("scoreMaximum"), (int, float)) \
                or creation_data["scoreMaximum"] <= 0:
            raise LtiServiceException("a line item needs a label and a positive scoreMaximum", 400)
        item = add_line_item(self.state, self.context_id, self.client_id, creation_data)
        return item.as_json()

    def update_lineitem(self, update_data: dict[str, t.Any]) -> dict[str, t.Any]:
        item = self._item(update_data["id"])
        item.label = update_data.get("label", item.label)
        item.score_maximum = update_data.get("scoreMaximum", item.score_maximum)
        item.tag = update_data.get("tag", item.tag)
        item.resource_id = update_data.get("resourceId", item.resource_id)
        return item.as_json()

    def delete_lineitem(self, line_item_id: str) -> None:
        self._item(line_item_id)
        del self.state.line_items[line_item_id]

    def update_score(self, line_item_id: str, score: dict[str, t.Any]) -> UpdateScoreStatus:
        self._item(line_item_id)
        if not isinstance(score, dict) or not score.get("userId"):
            raise LtiServiceException("userId is required", 400)
        stamp = parse_timestamp(score.get("timestamp"))
        if score.get("activityProgress") not in ACTIVITY or score.get("gradingProgress") not in GRADING:
            raise LtiServiceException("activityProgress and gradingProgress must be AGS values", 400)
        if "scoreGiven" in score and not isinstance(score.get("scoreMaximum"), (int, float)):
            raise LtiServiceException("scoreMaximum is required with scoreGiven", 400)
        history = self.state.scores.setdefault(line_item_id, {}).setdefault(str(score["userId"]), [])
        if history and parse_timestamp(history[-1]["timestamp"]) > stamp:
            return UpdateScoreStatus.OLD_TIMESTAMP
        history.append({**score, "received_at": time.time()})
        return UpdateScoreStatus.SUCCESS

    def get_results(self, line_item_id: str, page: int = 1, limit: int | None = None,
                    user_id: str | None = None, **_: t.Any) -> dict[str, t.Any]:
        item = self._item(line_item_id)
        results = []
        for user, history in self.state.scores.get(line_item_id, {}).items():
            last = history[-1]
            if user_id is not None and user != user_id or "scoreGiven" not in last:
                continue
            results.append({"id": f"{item.id}/results/{user}", "scoreOf": item.id, "userId": user,
                            "resultScore": last["scoreGiven"], "resultMaximum": last["scoreMaximum"],
                            **({"comment": last["comment"]} if last.get("comment") else {})})
        return page_of(results, page, limit)


def add_line_item(state: State, context_id: str, client_id: str, data: dict[str, t.Any]) -> LineItem:
    """A new gradebook column (from the AGS, a deep-linking response or the control API)."""
    number = state.next_id()
    item = LineItem(id=state.url(f"/contexts/{context_id}/lineitems/{number}"), context_id=context_id,
                    client_id=client_id, label=str(data.get("label") or f"Column {number}"),
                    score_maximum=data.get("scoreMaximum", 100), resource_link_id=data.get("resourceLinkId"),
                    resource_id=data.get("resourceId"), tag=data.get("tag"))
    state.line_items[item.id] = item
    return item


class Members(NamesRoleProvisioningService):
    """NRPS for one context: the members the tests set."""

    def __init__(self, *args: t.Any, state: State, context_id: str, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.state, self.context_id = state, context_id

    def get_context_by_id(self) -> Context:
        context = self.state.contexts.get(self.context_id, {})
        return Context(id=self.context_id, label=context.get("label", ""), title=context.get("title", ""))

    def is_resource_link_valid(self, context_id: str, resource_link_id: str) -> bool:
        return any(launch.resource_link and launch.resource_link.get("id") == resource_link_id
                   and launch.context and launch.context.get("id") == context_id
                   for launch in self.state.launches.values())

    def get_member_data_page(self, page: int = 1, limit: int | None = None, role: str | None = None,
                             since: str | None = None, **_: t.Any) -> dict[str, t.Any]:
        members = [dict(member) for member in self.state.members.get(self.context_id, [])
                   if role is None or any(r == role or r.endswith("#" + role) for r in member.get("roles", []))]
        return page_of(members, page, limit)
