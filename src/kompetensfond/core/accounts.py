"""Services for municipalities and their members (identity and roles)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from kompetensfond.audit.services import record_event

from .actors import Actor, is_system
from .codes import AuditAction
from .errors import ConflictError, PermissionDeniedError, ValidationError
from .models import ApiToken, Membership, Municipality, Role, RoleAssignment, User, luhn_ok
from .permissions import has_role, municipality_of
from .services import nothing_written, service
from .tokens import key_hash

TOKEN_DAYS = 90  # how long an API token is valid unless asked otherwise


@service
def municipality_create(
    *, actor: Actor, name: str, slug: str, organisation_number: str
) -> Municipality:
    """Create a tenant. Only the platform operator (superuser) or a system task may."""
    if not (is_system(actor) or getattr(actor, "is_superuser", False)):
        raise PermissionDeniedError(_("Only the platform operator may create municipalities."))
    digits = organisation_number.replace("-", "")
    if len(digits) != 10 or not digits.isdigit() or not luhn_ok(digits):
        raise ValidationError(
            _("The organisation number is not valid."), fields={"organisation_number": []}
        )
    if Municipality.objects.filter(slug=slug).exists():
        raise ConflictError(_("A municipality with that short name already exists."))
    municipality = Municipality.objects.create(
        name=name, slug=slug, organisation_number=f"{digits[:6]}-{digits[6:]}"
    )
    record_event(actor=actor, action=AuditAction.MUNICIPALITY_CREATED, obj=municipality,
                 changes={"name": name, "slug": slug})
    return municipality


@service
def member_create(
    *,
    actor: Actor,
    municipality: Municipality,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: Iterable[tuple[str, int | None]] = (),
) -> User:
    """Create a user in ``municipality`` with ``roles`` as (role, unit id or None)."""
    if (not (is_system(actor) or getattr(actor, "is_superuser", False))
            and (municipality_of(actor) != municipality or not has_role(actor, Role.FUND_ADMIN))):
        raise PermissionDeniedError(_("You may not add users to this municipality."))
    if User.objects.filter(username=username).exists():
        raise ConflictError(_("The user name is already taken."))
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if password:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationError(" ".join(exc.messages),
                                  fields={"password": exc.messages}) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    membership = Membership.objects.create(user=user, municipality=municipality)
    role_list = list(roles)
    for role, unit_id in role_list:
        if role not in Role.values:
            raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
        if (role == Role.UNIT_MANAGER) != (unit_id is not None):
            raise ValidationError(_("A manager's role needs a unit; other roles have none."))
        RoleAssignment.objects.create(membership=membership, role=role, unit_id=unit_id)
    record_event(
        actor=actor, action=AuditAction.USER_CREATED, obj=user, municipality=municipality,
        changes={"username": username, "roles": [r for r, _u in role_list]},
    )
    return user


@service
def api_token_create(*, actor: Actor, user: User, days: int = TOKEN_DAYS) -> str:
    """A new API token for ``user``, valid for ``days`` days; only the user, an operator or
    the system may make one. Returns the key: it is shown this once (only its hash is
    stored)."""
    if not is_system(actor) and (actor is None or (actor.pk != user.pk and not actor.is_superuser)):
        raise PermissionDeniedError(_("You may only create your own API token."))
    if not 1 <= days <= 366:
        raise ValidationError(_("A token is valid for 1 to 366 days."))
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=key_hash(key), prefix=key[:8],
                                    expires_at=timezone.now() + timedelta(days=days))
    record_event(actor=actor, action=AuditAction.API_TOKEN_CREATED, obj=user,
                 municipality=municipality_of(user),
                 changes={"token": f"{token.prefix}…", "expires_at": token.expires_at})
    return key


@service
def sso_user_sync(*, actor: Actor, municipality: Municipality, external_id: str,
                  username: str, first_name: str = "", last_name: str = "", email: str = "",
                  roles: Iterable[str] | None = None) -> User:
    """The user the municipality's identity provider vouches for (``external_id``: its
    subject), after the provider's login: found by the subject; else a member of the same
    municipality with the same e-mail and no identity yet is linked; else created.
    ``roles``: the roles the provider's groups give (replacing the user's roles without a
    unit; a manager's unit roles stay managed in the app); None: roles are managed in the
    app. A person of another municipality is refused."""
    if not is_system(actor):
        raise PermissionDeniedError(_("Only a login may do this."))
    user = User.objects.filter(external_id=external_id).select_related(
        "membership__municipality").first()
    action = None
    if user is None and email:
        same = list(User.objects.filter(email__iexact=email, external_id="")
                    .select_related("membership__municipality"))
        if len(same) == 1:
            user, action = same[0], AuditAction.USER_SSO_LINKED
    if user is not None:
        membership = Membership.objects.filter(user=user).first()
        if membership is None or membership.municipality_id != municipality.pk:
            raise PermissionDeniedError(
                _("This account belongs to another municipality."))
    else:
        if User.objects.filter(username=username).exists():
            username = f"{username}-{secrets.token_hex(3)}"
        user = User(username=username, first_name=first_name, last_name=last_name,
                    email=email)
        user.set_unusable_password()  # the provider is the only way in
        action = AuditAction.USER_SSO_CREATED
        user.external_id = external_id
        user.save()
        membership = Membership.objects.create(user=user, municipality=municipality)
    if action == AuditAction.USER_SSO_LINKED:
        user.external_id = external_id
        user.save(update_fields=["external_id"])
    if action is not None:
        record_event(actor=actor, action=action, obj=user, municipality=municipality,
                     changes={"external_id": external_id, "username": user.username})
    if roles is not None:
        wanted = {role for role in roles if role in Role.values and role != Role.UNIT_MANAGER}
        have = set(membership.roles.filter(unit__isnull=True).values_list("role", flat=True))
        if wanted != have:
            membership.roles.filter(unit__isnull=True).exclude(role__in=wanted).delete()
            RoleAssignment.objects.bulk_create(
                [RoleAssignment(membership=membership, role=role) for role in wanted - have])
            record_event(actor=actor, action=AuditAction.USER_ROLES_SYNCED, obj=user,
                         municipality=municipality,
                         changes={"roles": sorted(wanted), "before": sorted(have)})
            action = action or AuditAction.USER_ROLES_SYNCED
    if action is None:
        nothing_written()
    return user
