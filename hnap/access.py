"""THE scoping chokepoint: every queryset that reaches a user passes through `restrict(user, action)`.

The rules come from one table (hnap.roles.ROLE_GRANTS) plus cross-RPA object grants held by
django-guardian (made and revoked only in hnap.grants). It fails closed: no user, an inactive user,
an unknown model or an action no role grants gives `.none()`.

Models declare, as class attributes, how a scope reaches them:
  access_pop_path    lookup from the record to its PoP (for PoP users), e.g. "pop"
  access_owner_path  lookup from the record to the user who owns it, e.g. "responsible"; a tuple of lookups when
                     more than one person owns it in their own way (the candidate and the assessor of an assessment)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast

from hnap.roles import ROLE_GRANTS, Action, Scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from hnap.models import Membership, User


def memberships_of(user: User | AnonymousUser | None) -> list[Membership]:
    """The user's memberships, read once per user object (one query per request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_hnap_memberships", None)
    if cached is None:
        from hnap.models import Membership

        cached = list(Membership.objects.filter(user=user))
        user._hnap_memberships = cached  # type: ignore[union-attr,attr-defined]
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, "_hnap_memberships"):
        del user._hnap_memberships


def tenant_rpa_ids(user: User | AnonymousUser | None) -> set[int]:
    """The RPAs whose records the user may at least know exist (for 403 rather than 404)."""
    return {m.rpa_id for m in memberships_of(user) if m.rpa_id is not None}


def holds_role(user: User | AnonymousUser | None, rpa_id: int, *roles: str) -> bool:
    """Whether the user holds one of `roles` in this RPA (the finer check where a grant reaches further than a page's
    action: e.g. only administrators, not PoP users, register a candidate)."""
    return any(m.role in roles and m.rpa_id == rpa_id for m in memberships_of(user))


def role_allows(user: User | AnonymousUser | None, model: type[models.Model], action: Action | str) -> bool:
    """Whether any of the user's roles grants `action` on `model` in some scope."""
    label = model._meta.label_lower
    for membership in memberships_of(user):
        grant = ROLE_GRANTS.get(membership.role, {}).get(label)
        if grant and Action(action) in grant.actions:
            return True
    return False


def rpa_scope_ids(user: User | AnonymousUser | None, model: type[models.Model], action: Action | str) -> set[int]:
    """The RPAs in which one of the user's roles reaches every record of `model` for `action` (RPA scope), not only
    the user's own records."""
    label = model._meta.label_lower
    ids = set()
    for membership in memberships_of(user):
        grant = ROLE_GRANTS.get(membership.role, {}).get(label)
        if grant and Action(action) in grant.actions and grant.scope is Scope.RPA and membership.rpa_id:
            ids.add(membership.rpa_id)
    return ids


def acting_rpa(
    user: User | AnonymousUser | None, model: type[models.Model], action: Action | str, wanted: str | None = None
) -> Any:
    """The RPA a new record belongs to: one where the user's role grants `action` with RPA scope.

    With several, `wanted` (an RPA slug from the URL) picks one of them; None when there is none.
    """
    from hnap.models import RPA

    rpas = list(RPA.objects.filter(pk__in=rpa_scope_ids(user, model, action)).order_by("name"))
    return next((r for r in rpas if r.slug == wanted), rpas[0] if rpas else None)


def _object_grant_ids(user: User, model: type[models.Model], action: Action) -> Any:
    from guardian.models import UserObjectPermission

    return (
        UserObjectPermission.objects.filter(
            user=user,
            content_type=ContentType.objects.get_for_model(model),
            permission__codename=f"{action}_{model._meta.model_name}",
        )
        .annotate(object_id=Cast("object_pk", models.BigIntegerField()))
        .values("object_id")
    )


def restrict(queryset: models.QuerySet[Any], user: User | AnonymousUser | None, action: Action | str) -> Any:
    """Narrow `queryset` to the records `user` may `action`; fails closed."""
    memberships = memberships_of(user)
    if not memberships and (user is None or not user.is_authenticated):
        return queryset.none()
    model = queryset.model
    label = model._meta.label_lower
    action = Action(action)
    rpa_ids: set[int] = set()
    pop_ids: set[int] = set()
    own = every = False
    for membership in memberships:
        grant = ROLE_GRANTS.get(membership.role, {}).get(label)
        if grant is None or action not in grant.actions:
            continue
        if grant.scope is Scope.RPA and membership.rpa_id is not None:
            rpa_ids.add(membership.rpa_id)
        elif grant.scope is Scope.POP and membership.pop_id is not None:
            pop_ids.add(membership.pop_id)
        elif grant.scope is Scope.OWN:
            own = True
        elif grant.scope is Scope.ALL:
            every = True
    if every:
        return queryset
    condition = Q(pk__in=[])
    if rpa_ids:
        condition |= Q(rpa_id__in=sorted(rpa_ids))
    pop_path = getattr(model, "access_pop_path", None)
    if pop_ids and pop_path:
        condition |= Q(**{f"{pop_path}__in": sorted(pop_ids)})
    owner_path = getattr(model, "access_owner_path", None)
    if own and owner_path and user is not None:
        for path in (owner_path,) if isinstance(owner_path, str) else owner_path:
            condition |= Q(**{path: user.pk})
    if user is not None and user.is_authenticated:
        condition |= Q(pk__in=_object_grant_ids(user, model, action))  # type: ignore[arg-type]
    return queryset.filter(condition)


class RestrictedQuerySet(models.QuerySet):  # type: ignore[type-arg]
    """A queryset that can be narrowed to what a user may do."""

    def restrict(self, user: Any, action: Action | str = Action.VIEW) -> RestrictedQuerySet:
        return restrict(self, user, action)  # type: ignore[no-any-return]


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):  # type: ignore[misc]
    """Default manager of every tenant-owned model."""
