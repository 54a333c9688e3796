"""OIDC access-token authentication: JWKS cache, verifier, Principal, FastAPI dependencies."""

from guichet_kit.auth.component import AuthComponent
from guichet_kit.auth.dependencies import (
    BEARER_SECURITY,
    OptionalPrincipalDep,
    PrincipalDep,
    current_principal,
    optional_principal,
    path_tenant,
    principal_tenant,
    request_principal,
    require_roles,
    require_tenant,
    token_verifier,
)
from guichet_kit.auth.errors import (
    ExpiredToken,
    IdentityProviderUnavailable,
    InvalidToken,
    MissingToken,
    RoleRequired,
    TenantForbidden,
)
from guichet_kit.auth.jwks import IssuerKeys
from guichet_kit.auth.principal import OPERATOR_ROLE, Principal, hash_nrn, principal_from_claims
from guichet_kit.auth.verifier import TokenVerifier

__all__ = [
    "BEARER_SECURITY",
    "OPERATOR_ROLE",
    "AuthComponent",
    "ExpiredToken",
    "IdentityProviderUnavailable",
    "InvalidToken",
    "IssuerKeys",
    "MissingToken",
    "OptionalPrincipalDep",
    "Principal",
    "PrincipalDep",
    "RoleRequired",
    "TenantForbidden",
    "TokenVerifier",
    "current_principal",
    "hash_nrn",
    "optional_principal",
    "path_tenant",
    "principal_from_claims",
    "principal_tenant",
    "request_principal",
    "require_roles",
    "require_tenant",
    "token_verifier",
]
