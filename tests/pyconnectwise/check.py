"""Check that pyconnectwise's models accept every sandbox response the wizard reads.

pyconnectwise's models are generated from ConnectWise's OpenAPI schema, so a field of the
wrong type, an enum value outside the schema or a list where an object belongs fails here as
a pydantic ValidationError. The script starts the sandbox with --tls (pyconnectwise builds
https:// URLs only), trusts its CA through REQUESTS_CA_BUNDLE, calls each endpoint through
ConnectWiseManageAPIClient and exits with status 1 when any response fails to parse.

Usage: check.py [PATH_TO_CWM_SANDBOX]   (default: $CWM_SANDBOX_BIN)
"""

import json
import os
import subprocess
import sys
import traceback
from urllib.parse import urlparse

import pydantic
from pyconnectwise import ConnectWiseManageAPIClient
from pyconnectwise.endpoints.manage.SystemMycompanyCorporatestructurelevelsEndpoint import (
    SystemMycompanyCorporatestructurelevelsEndpoint,
)
from pyconnectwise.endpoints.manage.SystemSecurityrolesIdSettingsEndpoint import (
    SystemSecurityrolesIdSettingsEndpoint,
)


def start_sandbox(binary):
    """Start the sandbox with HTTPS and return the process and its start-up line."""
    process = subprocess.Popen(
        [binary, "--listen", "127.0.0.1:0", "--tls"],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise SystemExit(f"{binary} printed no start-up line")
    return process, json.loads(line)


class Checker:
    """Run named checks and collect the failures."""

    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, name, call):
        try:
            result = call()
        except pydantic.ValidationError as error:
            self.failures.append(f"{name}: the model rejected the response:\n{error}")
            return None
        except Exception:  # noqa: BLE001 - any other failure is reported with its trace
            self.failures.append(f"{name}: {traceback.format_exc()}")
            return None
        self.passed += 1
        print(f"ok   {name}")
        return result


def api_member_body(identifier):
    return {
        "identifier": identifier,
        "name": "Visionary 360 API",
        "securityRole": {"id": 3},
        "structureLevel": {"id": 1},
        "securityLocation": {"id": 1},
        "defaultLocation": {"id": 1},
        "defaultDepartment": {"id": 1},
        "timeZone": {"id": 1},
    }


def run_checks(info):
    host = urlparse(info["url"]).netloc
    os.environ["REQUESTS_CA_BUNDLE"] = info["ca_cert"]
    checker = Checker()

    # Creating the client reads /login/companyinfo/{company} for the codebase; pyconnectwise
    # has no model for that document, so reaching the codebase is the check.
    client = checker.check(
        "companyinfo (codebase discovery)",
        lambda: ConnectWiseManageAPIClient(
            info["company_id"],
            host,
            info["client_id"],
            info["admin_public_key"],
            info["admin_private_key"],
        ),
    )
    if client is None:
        return checker
    system = client.system
    conditions = {"conditions": 'name="Technician"'}

    checker.check("GET /system/info", lambda: system.info.get())
    roles = checker.check("GET /system/securityroles", lambda: system.security_roles.get())
    checker.check(
        "GET /system/securityroles?conditions",
        lambda: system.security_roles.get(params=conditions),
    )
    checker.check("GET /system/securityroles/{id}", lambda: system.security_roles.id(2).get())
    checker.check("GET /system/securityroles/count", lambda: system.security_roles.count.get())
    checker.check("GET /system/securityroles/info", lambda: system.security_roles.info.get())
    checker.check(
        "GET /system/securityroles/{id}/info", lambda: system.security_roles.id(2).info.get()
    )
    settings = SystemSecurityrolesIdSettingsEndpoint(client, parent_endpoint=system.security_roles.id(2))
    listed = checker.check("GET /system/securityRoles/{id}/settings", lambda: settings.get())
    if listed:
        checker.check(
            "GET /system/securityRoles/{id}/settings/{id}",
            lambda: settings.id(listed[0].id).get(),
        )
    checker.check("GET /system/securityRoles/{id}/settings/count", lambda: settings.count.get())
    created_role = checker.check(
        "POST /system/securityroles",
        lambda: system.security_roles.post(data={"name": "Visionary 360"}),
    )

    checker.check("GET /system/apiMembers", lambda: system.api_members.get())
    checker.check("GET /system/apiMembers/default", lambda: system.api_members.default.get())
    checker.check("GET /system/apiMembers/count", lambda: system.api_members.count.get())
    member = checker.check(
        "POST /system/apiMembers",
        lambda: system.api_members.post(data=api_member_body("V360API")),
    )
    if member:
        checker.check("GET /system/apiMembers/{id}", lambda: system.api_members.id(member.id).get())
        role_id = created_role.id if created_role else 2
        checker.check(
            "PATCH /system/apiMembers/{id}",
            lambda: system.api_members.id(member.id).patch(
                data=[{"op": "replace", "path": "securityRole", "value": {"id": role_id}}]
            ),
        )
        checker.check(
            "PUT /system/apiMembers/{id}",
            lambda: system.api_members.id(member.id).put(data=api_member_body("V360API")),
        )

    checker.check("GET /system/members", lambda: system.members.get())
    checker.check(
        "GET /system/members?conditions",
        lambda: system.members.get(params={"conditions": 'identifier="jsmith"'}),
    )
    checker.check("GET /system/members/{id}", lambda: system.members.id(2).get())
    checker.check("GET /system/members/count", lambda: system.members.count.get())
    new_member = checker.check(
        "POST /system/members",
        lambda: system.members.post(
            data={
                "identifier": "ada",
                "firstName": "Ada",
                "lastName": "Lovelace",
                "licenseClass": "F",
                "hireDate": "2024-03-01T00:00:00Z",
                "defaultEmail": "Office",
                "defaultPhone": "Office",
                "securityRole": {"id": 2},
                "structureLevel": {"id": 1},
                "securityLocation": {"id": 1},
                "defaultLocation": {"id": 1},
                "defaultDepartment": {"id": 1},
            }
        ),
    )
    if new_member:
        checker.check(
            "PATCH /system/members/{id}",
            lambda: system.members.id(new_member.id).patch(
                data=[{"op": "replace", "path": "lastName", "value": "King"}]
            ),
        )
    checker.check("GET /system/locations", lambda: system.locations.get())
    checker.check("GET /system/locations/{id}", lambda: system.locations.id(1).get())
    checker.check("GET /system/departments", lambda: system.departments.get())
    checker.check("GET /system/departments/{id}", lambda: system.departments.id(1).get())
    levels = SystemMycompanyCorporatestructurelevelsEndpoint(client, parent_endpoint=system.my_company)
    checker.check("GET /system/myCompany/corporateStructureLevels", lambda: levels.get())
    checker.check("GET /system/myCompany/corporateStructureLevels/{id}", lambda: levels.id(1).get())
    checker.check("GET /system/timeZoneSetups", lambda: system.time_zone_setups.get())
    checker.check("GET /system/timeZoneSetups/{id}", lambda: system.time_zone_setups.id(1).get())
    checker.check("GET /system/mySecurity", lambda: system.my_security.get())

    token = checker.check(
        "POST /system/members/{identifier}/tokens",
        lambda: system.members.id("V360API").tokens.post(data={"memberIdentifier": "V360API"}),
    )
    if token:
        # pyconnectwise 0.6.1.2 never stores a codebase passed to its constructor, so the
        # second client discovers it again.
        as_member = ConnectWiseManageAPIClient(
            info["company_id"],
            host,
            info["client_id"],
            token.public_key,
            token.private_key,
        )
        checker.check("GET /system/mySecurity as the new member", lambda: as_member.system.my_security.get())
    checker.check(
        "POST /system/members/{id}/deactivate",
        lambda: system.members.id(2).deactivate.post(data={"deleteOpenTimeSheetsFlag": False}),
    )
    if roles is not None and not roles:
        checker.failures.append("GET /system/securityroles returned no roles")
    return checker


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CWM_SANDBOX_BIN")
    if not binary:
        raise SystemExit("usage: check.py PATH_TO_CWM_SANDBOX (or set CWM_SANDBOX_BIN)")
    process, info = start_sandbox(binary)
    try:
        checker = run_checks(info)
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"{checker.passed} passed, {len(checker.failures)} failed")
    for failure in checker.failures:
        print(f"FAIL {failure}", file=sys.stderr)
    sys.exit(1 if checker.failures else 0)


if __name__ == "__main__":
    main()
