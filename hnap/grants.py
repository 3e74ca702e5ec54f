"""Cross-RPA object grants (ASR-5, PEER-4, APP-7): made and revoked only here, held by django-guardian.

A grant gives one user permissions on one object of another RPA, for a reason, until the work ends
(revoked by the service that ends it) or its expiry time passes (ended by the periodic sweep).
ObjectGrant keeps the why and until when; guardian keeps the permission that `hnap.access` reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm, remove_perm

from hnap.models import ObjectGrant
from hnap.roles import Action


@transaction.atomic
def grant_object_access(
    *,
    user: Any,
    obj: models.Model,
    actions: Iterable[Action] = (Action.VIEW,),
    reason: str,
    acting_user: Any = None,
    expires_at: datetime | None = None,
) -> ObjectGrant:
    """Let `user` act on one object outside their RPA, recording why and until when."""
    codenames = [f"{Action(a)}_{obj._meta.model_name}" for a in actions]
    for codename in codenames:
        assign_perm(f"{obj._meta.app_label}.{codename}", user, obj)
    return ObjectGrant.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        permissions=codenames,
        reason=reason,
        granted_by=acting_user,
        expires_at=expires_at,
    )


def _revoke(grants: list[ObjectGrant], now: datetime) -> int:
    for grant in grants:
        grant.revoked_at = now
        grant.save(update_fields=["revoked_at"])
        # Another live grant may still give the same permission on the same object: keep those.
        still_granted: set[str] = set()
        for permissions in ObjectGrant.objects.filter(
            user_id=grant.user_id,
            content_type_id=grant.content_type_id,
            object_id=grant.object_id,
            revoked_at__isnull=True,
        ).values_list("permissions", flat=True):
            still_granted.update(permissions)
        obj = grant.content_type.get_object_for_this_type(pk=grant.object_id)
        for codename in grant.permissions:
            if codename not in still_granted:
                remove_perm(f"{grant.content_type.app_label}.{codename}", grant.user, obj)
    return len(grants)


def _live(**filters: Any) -> list[ObjectGrant]:
    return list(ObjectGrant.objects.filter(revoked_at__isnull=True, **filters).select_related("content_type", "user"))


@transaction.atomic
def grant_revoke(*, user: Any, obj: models.Model) -> int:
    """End every live grant of `user` on `obj` (the work it was for has ended)."""
    return _revoke(
        _live(user=user, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk), timezone.now()
    )


@transaction.atomic
def grants_revoke_for(*, obj: models.Model) -> int:
    """End every live grant on `obj`, whoever holds it (e.g. an event's review closes)."""
    return _revoke(_live(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk), timezone.now())


@transaction.atomic
def grants_expire(*, now: datetime | None = None) -> int:
    """End the grants whose expiry time has passed."""
    now = now or timezone.now()
    return _revoke(_live(expires_at__lte=now), now)


# No savepoint of its own: it is called per model from a service's transaction (a peer review's files, versions and
# documents), and a failure here fails that whole transaction anyway.
@transaction.atomic(savepoint=False)
def grant_objects_access(
    *,
    user: Any,
    objects: list[models.Model],
    actions: Iterable[Action] = (Action.VIEW,),
    reason: str,
    acting_user: Any = None,
    expires_at: datetime | None = None,
) -> list[ObjectGrant]:
    """Let `user` act on many objects of one model at once, for one reason, in a fixed number of queries (e.g. a
    peer reviewer on an event's sampled files, PEER-4)."""
    if not objects:
        return []
    meta = objects[0]._meta
    codenames = [f"{Action(a)}_{meta.model_name}" for a in actions]
    content_type = ContentType.objects.get_for_model(objects[0])
    # guardian's own rows, written in one INSERT per call: its bulk assignment first reads every permission the user
    # (and their groups) already hold on the objects, two more queries and a Python check per object; a unique row per
    # user, permission and object makes an existing one a conflict to skip instead.
    permissions = Permission.objects.filter(content_type=content_type, codename__in=codenames)
    UserObjectPermission.objects.bulk_create(
        (
            UserObjectPermission(user=user, permission=permission, content_type=content_type, object_pk=str(obj.pk))
            for permission in permissions
            for obj in objects
        ),
        ignore_conflicts=True,
    )
    return ObjectGrant.objects.bulk_create(
        ObjectGrant(
            user=user,
            content_type=content_type,
            object_id=obj.pk,
            permissions=codenames,
            reason=reason,
            granted_by=acting_user,
            expires_at=expires_at,
        )
        for obj in objects
    )


@transaction.atomic
def grants_revoke_reason(*, reason: str, user_ids: Iterable[int]) -> int:
    """End every live grant made for `reason` to these users, in a fixed number of queries per model and permission
    (e.g. an event's peer review closes, PEER-4). A permission another live grant still gives is kept."""
    user_ids = list(user_ids)
    grants = list(ObjectGrant.objects.filter(revoked_at__isnull=True, reason=reason, user_id__in=user_ids))
    if not grants:
        return 0
    ObjectGrant.objects.filter(pk__in=[g.pk for g in grants]).update(revoked_at=timezone.now())
    still = {
        (user_id, content_type_id, object_id, codename)
        for user_id, content_type_id, object_id, permissions in ObjectGrant.objects.filter(
            revoked_at__isnull=True, user_id__in=user_ids, content_type_id__in={g.content_type_id for g in grants}
        ).values_list("user_id", "content_type_id", "object_id", "permissions")
        for codename in permissions
    }
    ending: dict[tuple[int, int, str], list[str]] = {}
    for grant in grants:
        for codename in grant.permissions:
            if (grant.user_id, grant.content_type_id, grant.object_id, codename) not in still:
                ending.setdefault((grant.user_id, grant.content_type_id, codename), []).append(str(grant.object_id))
    for (user_id, content_type_id, codename), object_pks in ending.items():
        UserObjectPermission.objects.filter(
            user_id=user_id,
            content_type_id=content_type_id,
            permission__codename=codename,
            object_pk__in=object_pks,
        ).delete()
    return len(grants)
