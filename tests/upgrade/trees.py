"""Small rendered template trees for the resolution tests, with the library's own service chain."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.conftest import ROOT

STANDARD = textwrap.dedent("""\
    parameters:
      ServiceData: {type: json, default: {}, description: d}
      ServiceNetMap: {type: json, default: {}, description: d}
      DefaultPasswords: {type: json, default: {}, description: d}
      EndpointMap: {type: json, default: {}, description: d}
      RoleName: {type: string, default: '', description: d}
      RoleParameters: {type: json, default: {}, description: d}
    """)


def service(name: str, tasks: str, *, parameters: str = "", resources: str = "", extra: str = "") -> str:
    """A service template; ``tasks`` is the YAML of its role_data task lists (indented 6)."""
    return ("heat_template_version: wallaby\ndescription: A service.\n" + STANDARD
            + textwrap.indent(textwrap.dedent(parameters), "  ")
            + (("resources:\n" + textwrap.indent(textwrap.dedent(resources), "  ")) if resources else "")
            + "outputs:\n  role_data:\n    description: Role data.\n    value:\n"
            + f"      service_name: {name}\n"
            + textwrap.indent(textwrap.dedent(extra), "      ")
            + textwrap.indent(textwrap.dedent(tasks), "      "))


OVERCLOUD = textwrap.dedent("""\
    heat_template_version: wallaby
    description: A one-role overcloud for the tests.
    parameters:
      ControllerServices:
        type: comma_delimited_list
        default: {services}
        description: The services.
    resources:
      Vip:
        type: OS::Neutron::Port
        properties:
          network: ctlplane
      Token:
        type: OS::Heat::RandomString
      ControllerServiceChain:
        type: OS::TripleO::ServiceChain
        properties:
          Services: {{get_param: ControllerServices}}
          ServiceData: {{net_cidr_map: {{}}}}
          ServiceNetMap: {{ApacheNetwork: internal_api}}
          EndpointMap:
            KeystoneInternal:
              host: {{get_attr: [Vip, fixed_ips, 0, ip_address]}}
          DefaultPasswords:
            token: {{get_attr: [Token, value]}}
          RoleName: Controller
          RoleParameters: {{}}
    outputs:
      RoleData:
        description: Per role, its services' role_data.
        value:
          Controller: {{get_attr: [ControllerServiceChain, role_data]}}
    """)


def tree(root: Path, services: dict[str, str], order: list[str], roles: str | None = None) -> Path:
    """A rendered tree: the overcloud above, a registry mapping ``OS::TripleO::Services::<Name>``
    to ``svc/<name>.yaml`` for every entry of ``services`` (name -> template text), the
    library's service chain, and a one-role roles data."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "svc").mkdir(exist_ok=True)
    (root / "puppet").mkdir(exist_ok=True)
    (root / "puppet/service-chain.yaml").write_text((ROOT / "puppet/service-chain.yaml").read_text())
    registry = ["resource_registry:", "  OS::TripleO::ServiceChain: puppet/service-chain.yaml"]
    for name, text in services.items():
        if name.endswith("-base"):
            (root / f"svc/{name}.yaml").write_text(text)
            continue
        (root / f"svc/{name}.yaml").write_text(text)
        registry.append(f"  OS::TripleO::Services::{name.title()}: svc/{name}.yaml")
    (root / "overcloud-resource-registry-puppet.yaml").write_text("\n".join(registry) + "\n")
    listed = "[" + ", ".join(f"OS::TripleO::Services::{n.title()}" for n in order) + "]"
    (root / "overcloud.yaml").write_text(OVERCLOUD.format(services=listed))
    (root / "roles_data.yaml").write_text(roles or "- name: Controller\n  upgrade_batch_size: 2\n")
    return root
