"""The local OpenID provider (Keycloak URL layout), a Node program in deploy/local/oidc."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from guichet_stack.components.base import Daemon
from guichet_stack.config import Stack, StackConfig
from guichet_stack.errors import StackError
from guichet_stack.probes import http_ok


def oidc_dir(cfg: StackConfig) -> Path:
    return cfg.repo / "deploy" / "local" / "oidc"


def oidc_server_present(cfg: StackConfig) -> bool:
    return (oidc_dir(cfg) / "server.mjs").is_file()


class OidcProvider(Daemon):
    name = "oidc"
    port_names = ("oidc",)
    stop_timeout = 5.0

    def preflight(self, stack: Stack) -> None:
        folder = oidc_dir(stack.config)
        if not oidc_server_present(stack.config):
            raise StackError(
                f"{folder / 'server.mjs'} not found: the local OIDC provider is missing"
            )
        if not (folder / "node_modules").is_dir():
            raise StackError(
                f"{folder}/node_modules is missing: run `bash deploy/local/bootstrap.sh`"
            )
        if shutil.which("node") is None:
            raise StackError("`node` is not installed: run `bash deploy/local/bootstrap.sh`")

    def argv(self, stack: Stack) -> list[str]:
        node = shutil.which("node") or "node"
        return [node, str(oidc_dir(stack.config) / "server.mjs")]

    def cwd(self, cfg: StackConfig) -> Path | None:
        return oidc_dir(cfg)

    def extra_env(self, stack: Stack) -> Mapping[str, str]:
        cfg = stack.config
        return {
            "OIDC_HOST": cfg.host,
            "OIDC_PORT": str(cfg.ports["oidc"]),
            "OIDC_PUBLIC_BASE_URL": cfg.oidc_base_url,
        }

    async def healthy(self, stack: Stack) -> bool:
        return await http_ok(f"{stack.config.oidc_issuer}/.well-known/openid-configuration")
