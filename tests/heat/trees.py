"""Small template trees for the Heat tests: an overcloud of roles of services, three levels deep.

overcloud.yaml --ResourceGroup--> role.yaml --OS::TripleO::Services::Ntp--> svc/ntp.yaml
"""

from __future__ import annotations

OVERCLOUD = """\
heat_template_version: wallaby
parameters:
  ComputeCount: {type: number, default: 2}
  SiteName:
    type: string
    constraints:
      - allowed_pattern: '^[a-z]+-[0-9]{2}$'
resources:
  Salt:
    type: OS::Heat::RandomString
  Compute:
    type: OS::Heat::ResourceGroup
    properties:
      count: {get_param: ComputeCount}
      resource_def:
        type: OS::TripleO::Compute
        properties:
          Salt: {get_attr: [Salt, value]}
          Index: '%index%'
          Site: {get_param: SiteName}
outputs:
  RoleData:
    value:
      Compute: {get_attr: [Compute, resource.0.role_data]}
  ComputeHosts:
    value: {get_attr: [Compute, hostname]}
"""

ROLE = """\
heat_template_version: wallaby
parameters:
  Salt: {type: string}
  Index: {type: string, default: '0'}
  Site: {type: string, default: ''}
resources:
  Ntp:
    type: OS::TripleO::Services::Ntp
    properties:
      Salt: {get_param: Salt}
      NtpServers: [0.pool.example.org, 1.pool.example.org]
outputs:
  hostname:
    value:
      str_replace:
        template: SITE-compute-IDX
        params: {SITE: {get_param: Site}, IDX: {get_param: Index}}
  role_data:
    value:
      service_names: [{get_attr: [Ntp, role_data, service_name]}]
      config_settings: {get_attr: [Ntp, role_data, config_settings]}
      step_config: {get_attr: [Ntp, role_data, step_config]}
      upgrade_tasks: []
"""

NTP = """\
heat_template_version: wallaby
parameters:
  Salt: {type: string}
  NtpServers: {type: comma_delimited_list, default: []}
  NtpPool: {type: string, default: pool.ntp.org}
resources: {}
outputs:
  role_data:
    value:
      service_name: ntp
      config_settings:
        ntp::servers: {get_param: NtpServers}
        ntp::pool: {get_param: NtpPool}
        ntp::salt:
          yaql:
            expression: $.data.salt.toUpper()
            data: {salt: {get_param: Salt}}
      step_config: include tripleo::profile::base::time::ntp
"""

REGISTRY = """\
resource_registry:
  OS::TripleO::Compute: role.yaml
  OS::TripleO::Services::Ntp: svc/ntp.yaml
"""

ENV = "parameter_defaults:\n  SiteName: lab-01\n"


def clean_tree() -> dict[str, str]:
    return {
        "overcloud.yaml": OVERCLOUD,
        "role.yaml": ROLE,
        "svc/ntp.yaml": NTP,
        "overcloud-resource-registry-puppet.yaml": REGISTRY,
        "env.yaml": ENV,
    }


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in text")
