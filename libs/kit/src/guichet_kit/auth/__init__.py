"""OIDC access-token authentication (JWKS cache, verifier, Principal, FastAPI dependencies)
and admission to a municipality."""

from guichet_kit.auth.admission import Admission, NisPath, admission, profile_language
from guichet_kit.auth.component import AuthComponent
from guichet_kit.auth.dependencies import (
    BEARER_SECURITY,
    OptionalPrincipalDep,
    PrincipalDep,
    current_principal,
    optional_principal,
    request_principal,
    token_verifier,
)
from guichet_kit.auth.errors import (
    ExpiredToken,
    IdentityProviderUnavailable,
    InvalidToken,
    MissingToken,
    MunicipalityNotFound,
    RoleRequired,
)
from guichet_kit.auth.jwks import IssuerKeys
from guichet_kit.auth.principal import Principal, hash_nrn, principal_from_claims
from guichet_kit.auth.verifier import TokenVerifier

__all__ = [
    "BEARER_SECURITY",
    "Admission",
    "AuthComponent",
    "ExpiredToken",
    "IdentityProviderUnavailable",
    "InvalidToken",
    "IssuerKeys",
    "MissingToken",
    "MunicipalityNotFound",
    "NisPath",
    "OptionalPrincipalDep",
    "Principal",
    "PrincipalDep",
    "RoleRequired",
    "TokenVerifier",
    "admission",
    "current_principal",
    "hash_nrn",
    "optional_principal",
    "principal_from_claims",
    "profile_language",
    "request_principal",
    "token_verifier",
]
