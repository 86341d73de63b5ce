"""Set up one tool's ConnectWise API access with pyconnectwise, one call after another.

This is the peer of the scenario benchmark: the fresh setup as an administrator would script
it with the PyPI package pyconnectwise, making the same checks as v360-setup. It verifies the
connection and the administrator's own permissions. It finds or creates the security role and
compares its settings with the requirements. It finds or creates the API member after checking
that no other member has the identifier, reading the lists the member needs. Last, it verifies
the new key. The two steps that only the web UI can do (setting the role's levels, creating the
key) go through the sandbox's control paths and are left out of the time.

Usage: fresh_setup.py JOB.json. JOB.json contains the sandbox's start-up line (url, company_id,
client_id, admin_public_key, admin_private_key, ca_cert) plus role_name, member_identifier,
key_description and requirements ([{"module", "function", "verb", "level"}]). The script
prints one JSON line: {"seconds": the time without the web UI steps}.
"""

import json
import os
import sys
import time
from urllib.parse import urlparse

import requests
from pyconnectwise import ConnectWiseManageAPIClient
from pyconnectwise.endpoints.manage.SystemMycompanyCorporatestructurelevelsEndpoint import (
    SystemMycompanyCorporatestructurelevelsEndpoint,
)
from pyconnectwise.endpoints.manage.SystemSecurityrolesIdSettingsEndpoint import (
    SystemSecurityrolesIdSettingsEndpoint,
)

# ConnectWise's level names from the lowest to the highest grant.
LEVEL_RANK = {"None": 0, "Mine": 1, "My": 2, "All": 3}

# The permissions the administrator's own key needs to create a role and a member.
ADMIN_REQUIREMENTS = [
    {"module": "System", "function": "Security", "verb": "add", "level": "All"},
    {"module": "System", "function": "Security", "verb": "inquire", "level": "All"},
    {"module": "System", "function": "Member Maintenance", "verb": "add", "level": "All"},
    {"module": "System", "function": "Member Maintenance", "verb": "edit", "level": "All"},
    {"module": "System", "function": "Member Maintenance", "verb": "inquire", "level": "All"},
]

ALL_RECORDS = {"pageSize": 1000}


def unmet(requirements, settings):
    """Return the requirements that the role settings do not grant."""
    missing = []
    for line in requirements:
        granted = "None"
        for setting in settings:
            if (setting.module_name or "").lower() == line["module"].lower() and (
                setting.module_function_name or ""
            ).lower() == line["function"].lower():
                granted = getattr(setting, f"{line['verb']}_level") or "None"
                break
        if LEVEL_RANK.get(str(granted), 0) < LEVEL_RANK[line["level"]]:
            missing.append(line)
    return missing


def connect(job, host, public_key, private_key):
    """Create a client; pyconnectwise reads /login/companyinfo for the codebase here."""
    return ConnectWiseManageAPIClient(
        job["company_id"], host, job["client_id"], public_key, private_key
    )


def run(job):
    host = urlparse(job["url"]).netloc
    control = job["url"] + "/__sandbox"
    requirements = job["requirements"]
    role_name = job["role_name"]
    identifier = job["member_identifier"]
    by_name = {"conditions": f'name="{role_name}"', **ALL_RECORDS}
    by_identifier = {"conditions": f'identifier="{identifier}"', **ALL_RECORDS}
    web_ui_seconds = 0.0
    started = time.perf_counter()

    client = connect(job, host, job["admin_public_key"], job["admin_private_key"])
    system = client.system
    system.info.get()
    my_security = system.my_security.get(params=ALL_RECORDS)
    if unmet(ADMIN_REQUIREMENTS, my_security):
        raise SystemExit("the administrator's key cannot create roles and members")
    admin_id = my_security[0].member.id

    roles = system.security_roles.get(params=by_name)
    role = roles[0] if roles else system.security_roles.post(data={"name": role_name})
    if role.admin_flag:
        raise SystemExit(f"the role {role_name} has the admin flag")
    settings = SystemSecurityrolesIdSettingsEndpoint(
        client, parent_endpoint=system.security_roles.id(role.id)
    )
    missing = unmet(requirements, settings.get(params=ALL_RECORDS))
    if missing:
        web_ui = time.perf_counter()
        levels = [dict(line) for line in missing]
        requests.post(f"{control}/security-roles/{role.id}/settings", json=levels, timeout=30)
        web_ui_seconds += time.perf_counter() - web_ui
        if unmet(requirements, settings.get(params=ALL_RECORDS)):
            raise SystemExit("the role still lacks required levels")

    members = system.api_members.get(params=by_identifier)
    if members:
        member = members[0]
    else:
        if system.members.get(params=by_identifier):
            raise SystemExit(f"{identifier} belongs to a member who is not an API member")
        levels = SystemMycompanyCorporatestructurelevelsEndpoint(
            client, parent_endpoint=system.my_company
        ).get(params=ALL_RECORDS)
        locations = system.locations.get(params=ALL_RECORDS)
        departments = system.departments.get(params=ALL_RECORDS)
        time_zones = system.time_zone_setups.get(params=ALL_RECORDS)
        admin = system.members.id(admin_id).get()
        member = system.api_members.post(
            data={
                "identifier": identifier,
                "name": "Visionary 360 API",
                "securityRole": {"id": role.id},
                "structureLevel": {"id": admin.structure_level.id if admin.structure_level else levels[0].id},
                "securityLocation": {"id": admin.default_location.id if admin.default_location else locations[0].id},
                "defaultLocation": {"id": admin.default_location.id if admin.default_location else locations[0].id},
                "defaultDepartment": {"id": admin.default_department.id if admin.default_department else departments[0].id},
                "timeZone": {"id": admin.time_zone.id if admin.time_zone else time_zones[0].id},
            }
        )

    web_ui = time.perf_counter()
    key = requests.post(
        f"{control}/api-members/{member.identifier}/api-keys",
        json={"description": job["key_description"]},
        timeout=30,
    ).json()
    web_ui_seconds += time.perf_counter() - web_ui

    as_key = connect(job, host, key["publicKey"], key["privateKey"])
    key_security = as_key.system.my_security.get(params=ALL_RECORDS)
    if key_security[0].member.identifier.lower() != identifier.lower():
        raise SystemExit("the new key belongs to another member")
    if unmet(requirements, key_security):
        raise SystemExit("the new key lacks required permissions")
    return time.perf_counter() - started - web_ui_seconds


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: fresh_setup.py JOB.json")
    with open(sys.argv[1], encoding="utf-8") as file:
        job = json.load(file)
    os.environ["REQUESTS_CA_BUNDLE"] = job["ca_cert"]
    seconds = run(job)
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
