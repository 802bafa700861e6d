"""Starts moto in server mode with the SSM calls our stacks need and moto 5.2.1 lacks.

Usage: python3 moto_launcher.py [--tls-dir DIR] -H 127.0.0.1 -p PORT   (then the arguments of `python3 -m moto.server`)

--tls-dir DIR serves HTTPS with DIR/cert.pem and DIR/key.pem, a self-signed certificate for
127.0.0.1 and localhost made there on first use (clients trust DIR/cert.pem explicitly).

moto 5.2.1 gaps that `aws_ssm_association` and the maintenance window resources of
the AWS provider hit, filled here before the server starts, in memory, per account
and Region like the rest of moto:

- CreateAssociation, DescribeAssociation, UpdateAssociation, DeleteAssociation,
  ListAssociations: not implemented (the provider waits forever for the association);
- tags on associations (AddTagsToResource / ListTagsForResource with
  ResourceType "Association"): rejected as an invalid resource type;
- DescribeMaintenanceWindowTargets / DescribeMaintenanceWindowTasks: return nothing
  once any filter is given (the provider reads a target or task back by id filter);
- GetMaintenanceWindowTask, UpdateMaintenanceWindow, UpdateMaintenanceWindowTarget,
  UpdateMaintenanceWindowTask: not implemented;
- GetServiceSetting, UpdateServiceSetting, ResetServiceSetting (what `aws_ssm_service_setting`
  of the account baseline calls): not implemented. Settings are kept by their path
  (`/ssm/...`), given as the path or the ARN; an unset one answers AWS's default ("Default"
  status, `Enable` for `/ssm/documents/console/public-sharing-permission`).

And one fidelity fix: moto evaluates S3 bucket policies with no request context and
understands only the StringEquals condition operator (it treats every other operator as
matching), so the TLS-only statement (`Deny` when `Bool aws:SecureTransport` is `false`)
denies every request. Bucket policies are evaluated here with IAM's rules for the
operators Bool, StringEquals, StringNotEquals, StringLike and StringNotLike (with
...IfExists; a condition on a key the request lacks does not match; an operator outside
that list fails the request loudly), and with `aws:SecureTransport` taken from the
request's scheme, which is why the launcher serves HTTPS (`--tls-dir`) with a throwaway
certificate for 127.0.0.1.

EC2 fidelity fixes, each a difference from AWS that would otherwise make every second plan
replace the instances or hide what the read-back must prove:

- RunInstances with an image `resolve:ssm:<parameter>`: moto kept the text as the instance's
  ImageId, where AWS reports the AMI id the parameter held at launch (what a read-back of the
  instance's image needs). Here it is resolved from the account's SSM, as EC2 does;
- RunInstances from a launch template whose image is `resolve:ssm:<parameter>` (which moto
  cannot resolve): moto adds a default unencrypted gp2 root volume at /dev/sda1 and then the
  template's mappings as extra volumes. AWS uses the image's root device (/dev/xvda for Amazon
  Linux) with the template's mapping applied to it. Here, a template that maps block devices
  gives the root device: its first mapping, and no default volume is made;
- a network interface of RunInstances with `AssociatePublicIpAddress=false` got a public IP,
  because moto passes the parameter's text ("false", a true value in Python) on;
- a network interface without a public IP was described with an empty `Association`, which
  clients read as "has a public IP association" (the provider then plans to replace every
  instance with `associate_public_ip_address = false`); AWS leaves the element out;
- CreateLaunchTemplate's own TagSpecifications (the tags of the template resource) were also
  stored in the version's launch data, where AWS does not put them (and where the resource
  type `launch-template` is not even valid), so every read-back showed an extra tag spec;
- RunInstances with the security groups on `NetworkInterfaces[0].Groups` (how the AWS provider
  sends `vpc_security_group_ids` once `associate_public_ip_address` is set): AWS reports the
  primary interface's groups as the instance's `SecurityGroups` (DescribeInstances, groupSet).
  moto gave the groups to the interface only and reported the instance with none, so every read
  planned to add the groups back. Here an instance launched with one interface and no
  instance-level groups takes that interface's groups (the VPC's default group when none were
  given, as on AWS), as moto already does for `SecurityGroupIds`;
- empty user data: the provider's `aws_launch_template` always sends `LaunchTemplateData.UserData`,
  as "" when unset. AWS treats empty user data as none, and DescribeInstanceAttribute `userData`
  of such an instance answers `<userData/>` (no value). moto stores "" as a user data object that
  is always true, so its instances inherited it and answered `<userData><value/></userData>`;
  the provider then stored sha1("") and, re-hashing that on every plan (its StateFunc runs on the
  prior value), planned an update. Here an instance launched with empty user data has none;
- ModifyVpcEndpoint ignored `PrivateDnsEnabled`, so turning an endpoint's private DNS off
  (what the session doctor must tell apart) changed nothing;
- ModifyVpcEndpoint `RemoveRouteTableIds` on a gateway endpoint (S3) left its route (to the service's
  prefix list) in the route table, and `AddRouteTableIds` made none, while AWS removes and adds it: a
  subnet cut off from S3 still showed the route. Here the route follows the endpoint's route tables;
- PutObjectLockConfiguration refused a bucket holding objects (BucketNeedsToBeNew), as S3 did
  before November 2023; S3 now takes it on any versioned bucket. The provider makes that call to
  destroy an `aws_s3_bucket_object_lock_configuration`, so removing a transcript bucket that holds
  transcripts failed there instead of at the bucket (BucketNotEmpty), as it does against AWS;
- RunInstances ignored `DisableApiTermination`, so an instance launched with termination
  protection reported none and every plan wanted to turn it on again. Here it is kept.

- the server handles each request on a thread of its own (werkzeug, `threaded=True`), while
  moto's backends are plain dicts and lists without locks: under load, two requests at once can
  interleave half-way (a failed request the AWS SDK then retries after it already took effect,
  as in "InvalidPermission.Duplicate" for a security group rule created once). Here the server
  handles one request at a time; Terraform's parallel requests wait milliseconds for each other.
  And a retry of an SDK call (same `amz-sdk-invocation-id`, attempt above 1) whose earlier attempt
  was answered with success gets that answer again instead of running twice: under load the SDK
  has retried calls it never read the answer of, and a create run twice failed as a conflict
  ("InvalidSubnet.Conflict" for one subnet) where AWS would have answered the first one.

Nothing else of moto is changed. `check_gaps()` exits non-zero when the installed moto
no longer looks like the one these patches were written for, so a moto upgrade that
renames what is patched fails loudly instead of deploying against a half-patched server.
"""

from __future__ import annotations

import collections
import copy
import datetime
import inspect
import os
import sys
import threading
import uuid
from typing import Any

from tls_certificate import ensure_certificate

import moto
import moto.ssm.models as ssm_models
from moto.core.responses import ActionResult, EmptyResult
import moto.server as moto_server
from moto.server import main as moto_server_main
from moto.ssm.exceptions import DoesNotExistException, SSMException
from moto.ssm.responses import SimpleSystemManagerResponse
import moto.ec2.models.elastic_network_interfaces as ec2_enis
import moto.ec2.models.instances as ec2_instances
import moto.ec2.models.vpcs as ec2_vpcs
import moto.ec2.responses.instances as ec2_instance_responses
import moto.ec2.responses.launch_templates as ec2_launch_templates
import moto.ec2.responses.vpcs as ec2_vpc_responses
import moto.s3.models as s3_models
import moto.s3.responses as s3_responses
from moto.iam.access_control import PermissionResult
import moto.iam.exceptions as iam_exceptions
import moto.iam.models as iam_models

TESTED_MOTO_VERSION = "5.2.1"


class AssociationDoesNotExist(SSMException):
    def __init__(self, association_id: str) -> None:
        super().__init__("AssociationDoesNotExist", f"Association {association_id} does not exist")


class AssociationAlreadyExists(SSMException):
    def __init__(self) -> None:
        super().__init__("AssociationAlreadyExists", "The specified association already exists.")


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


# --- associations --------------------------------------------------------------

ASSOCIATION_FIELDS = (
    "Name",
    "DocumentVersion",
    "Parameters",
    "Targets",
    "ScheduleExpression",
    "OutputLocation",
    "AssociationName",
    "AutomationTargetParameterName",
    "MaxErrors",
    "MaxConcurrency",
    "ComplianceSeverity",
    "SyncCompliance",
    "ApplyOnlyAtCronInterval",
    "CalendarNames",
    "TargetLocations",
    "ScheduleOffset",
    "Duration",
    "TargetMaps",
    "InstanceId",
)


def _associations(backend: Any) -> dict[str, dict[str, Any]]:
    store = getattr(backend, "_launcher_associations", None)
    if store is None:
        store = {}
        backend._launcher_associations = store
    return store


def _association_description(a: dict[str, Any]) -> dict[str, Any]:
    out = {k: copy.deepcopy(v) for k, v in a.items() if not k.startswith("_") and v is not None}
    return out


def _get_association(backend: Any, association_id: str | None) -> dict[str, Any]:
    found = _associations(backend).get(association_id or "")
    if found is None:
        raise AssociationDoesNotExist(str(association_id))
    return found


def create_association(self: SimpleSystemManagerResponse) -> ActionResult:
    store = _associations(self.ssm_backend)
    name = self._get_param("AssociationName")
    if name and any(a.get("AssociationName") == name for a in store.values()):
        raise AssociationAlreadyExists()
    now = _now()
    association: dict[str, Any] = {
        "AssociationId": str(uuid.uuid4()),
        "AssociationVersion": "1",
        "Date": now,
        "LastUpdateAssociationDate": now,
        "Status": {"Date": now, "Name": "Success", "Message": "Associated with the targets"},
        "Overview": {"Status": "Success", "DetailedStatus": "Success", "AssociationStatusAggregatedCount": {}},
    }
    for field in ASSOCIATION_FIELDS:
        value = self._get_param(field)
        if value is not None:
            association[field] = value
    association.setdefault("DocumentVersion", "$DEFAULT")
    association.setdefault("ApplyOnlyAtCronInterval", False)
    store[association["AssociationId"]] = association
    tags = self._get_param("Tags") or []
    if tags:
        self.ssm_backend._resource_tags["Association"][association["AssociationId"]].update(
            {t["Key"]: t["Value"] for t in tags}
        )
    return ActionResult({"AssociationDescription": _association_description(association)})


def describe_association(self: SimpleSystemManagerResponse) -> ActionResult:
    association_id = self._get_param("AssociationId")
    if association_id is None:
        name, instance_id = self._get_param("Name"), self._get_param("InstanceId")
        matches = [
            a
            for a in _associations(self.ssm_backend).values()
            if a.get("Name") == name and (instance_id is None or a.get("InstanceId") == instance_id)
        ]
        if not matches:
            raise AssociationDoesNotExist(f"{name}/{instance_id}")
        association = matches[0]
    else:
        association = _get_association(self.ssm_backend, association_id)
    return ActionResult({"AssociationDescription": _association_description(association)})


def update_association(self: SimpleSystemManagerResponse) -> ActionResult:
    association = _get_association(self.ssm_backend, self._get_param("AssociationId"))
    for field in ASSOCIATION_FIELDS:
        if field in ("InstanceId",):
            continue
        value = self._get_param(field)
        if value is not None:
            association[field] = value
    association["AssociationVersion"] = str(int(association["AssociationVersion"]) + 1)
    association["LastUpdateAssociationDate"] = _now()
    return ActionResult({"AssociationDescription": _association_description(association)})


def delete_association(self: SimpleSystemManagerResponse) -> ActionResult:
    association = _get_association(self.ssm_backend, self._get_param("AssociationId"))
    del _associations(self.ssm_backend)[association["AssociationId"]]
    self.ssm_backend._resource_tags["Association"].pop(association["AssociationId"], None)
    return EmptyResult()


def list_associations(self: SimpleSystemManagerResponse) -> ActionResult:
    filters = self._get_param("AssociationFilterList") or []
    keys = {"Name": "Name", "AssociationId": "AssociationId", "AssociationName": "AssociationName", "InstanceId": "InstanceId"}
    result = []
    for a in _associations(self.ssm_backend).values():
        if all(str(a.get(keys.get(f["key"], f["key"]))) == f["value"] for f in filters if f["key"] in keys):
            summary = {
                k: a[k]
                for k in ("Name", "InstanceId", "AssociationId", "AssociationVersion", "DocumentVersion", "Targets", "Overview", "ScheduleExpression", "AssociationName")
                if k in a
            }
            summary["LastExecutionDate"] = a["LastUpdateAssociationDate"]
            result.append(summary)
    return ActionResult({"Associations": result})


# --- tags on associations --------------------------------------------------------

_original_validate_resource = ssm_models.SimpleSystemManagerBackend._validate_resource_type_and_id


def _validate_resource_type_and_id(self: Any, resource_type: str, resource_id: str) -> str:
    if resource_type == "Association":
        if resource_id not in _associations(self):
            raise SSMException("InvalidResourceId", "Invalid Resource Id")
        return resource_id
    return _original_validate_resource(self, resource_type, resource_id)


# --- maintenance windows -----------------------------------------------------------

TARGET_FILTER_ATTRIBUTES = {
    "WindowTargetId": "window_target_id",
    "Type": "resource_type",
    "ResourceType": "resource_type",
    "Name": "name",
    "OwnerInformation": "owner_information",
}
TASK_FILTER_ATTRIBUTES = {
    "WindowTaskId": "window_task_id",
    "TaskArn": "task_arn",
    "Type": "task_type",
    "TaskType": "task_type",
    "Priority": "priority",
    "Name": "name",
}


def _filter_match(attributes: dict[str, str]):
    def match(filters: list[dict[str, Any]] | None, item: Any) -> bool:
        for f in filters or []:
            attribute = attributes.get(f.get("Key", ""))
            if attribute is None:
                return False
            if str(getattr(item, attribute, None)) not in [str(v) for v in f.get("Values", [])]:
                return False
        return True

    return match


def _window_task(self: SimpleSystemManagerResponse) -> Any:
    window = self.ssm_backend.get_maintenance_window(self._get_param("WindowId"))
    task = window.tasks.get(self._get_param("WindowTaskId"))
    if task is None:
        raise DoesNotExistException(f"{self._get_param('WindowId')} task {self._get_param('WindowTaskId')}")
    return task


def _task_json(task: Any) -> dict[str, Any]:
    out = task.to_json()
    if getattr(task, "cutoff_behavior", None):
        out["CutoffBehavior"] = task.cutoff_behavior
    if getattr(task, "alarm_configurations", None):
        out["AlarmConfiguration"] = task.alarm_configurations
    return {k: v for k, v in out.items() if v is not None}


def get_maintenance_window_task(self: SimpleSystemManagerResponse) -> ActionResult:
    return ActionResult(_task_json(_window_task(self)))


TASK_UPDATES = {
    "Targets": "targets",
    "TaskArn": "task_arn",
    "ServiceRoleArn": "service_role_arn",
    "TaskParameters": "task_parameters",
    "TaskInvocationParameters": "task_invocation_parameters",
    "Priority": "priority",
    "MaxConcurrency": "max_concurrency",
    "MaxErrors": "max_errors",
    "LoggingInfo": "logging_info",
    "Name": "name",
    "Description": "description",
    "CutoffBehavior": "cutoff_behavior",
    "AlarmConfiguration": "alarm_configurations",
}


def update_maintenance_window_task(self: SimpleSystemManagerResponse) -> ActionResult:
    task = _window_task(self)
    replace = bool(self._get_param("Replace"))
    for param, attribute in TASK_UPDATES.items():
        value = self._get_param(param)
        if value is not None or replace:
            setattr(task, attribute, value)
    return ActionResult(_task_json(task))


TARGET_UPDATES = {"Targets": "targets", "OwnerInformation": "owner_information", "Name": "name", "Description": "description"}


def update_maintenance_window_target(self: SimpleSystemManagerResponse) -> ActionResult:
    window = self.ssm_backend.get_maintenance_window(self._get_param("WindowId"))
    target = window.targets.get(self._get_param("WindowTargetId"))
    if target is None:
        raise DoesNotExistException(f"{self._get_param('WindowId')} target {self._get_param('WindowTargetId')}")
    for param, attribute in TARGET_UPDATES.items():
        value = self._get_param(param)
        if value is not None:
            setattr(target, attribute, value)
    out = target.to_json()
    return ActionResult({k: out[k] for k in ("WindowId", "WindowTargetId", "Targets", "Name", "Description") if out.get(k) is not None})


WINDOW_UPDATES = {
    "Name": "name",
    "Description": "description",
    "StartDate": "start_date",
    "EndDate": "end_date",
    "Schedule": "schedule",
    "ScheduleTimezone": "schedule_timezone",
    "ScheduleOffset": "schedule_offset",
    "Duration": "duration",
    "Cutoff": "cutoff",
    "AllowUnassociatedTargets": "allow_unassociated_targets",
    "Enabled": "enabled",
}


def update_maintenance_window(self: SimpleSystemManagerResponse) -> ActionResult:
    window = self.ssm_backend.get_maintenance_window(self._get_param("WindowId"))
    for param, attribute in WINDOW_UPDATES.items():
        value = self._get_param(param)
        if value is not None:
            setattr(window, attribute, value)
    return ActionResult(window.to_json())


# --- S3 bucket policies: the request's transport as condition context -----------------

_request = threading.local()
_original_s3_setup_class = s3_responses.S3Response.setup_class


def _s3_setup_class(self: Any, request: Any, full_url: str, headers: Any, *args: Any, **kwargs: Any) -> None:
    _request.secure = str(full_url).lower().startswith("https://")
    _original_s3_setup_class(self, request, full_url, headers, *args, **kwargs)


class UnsupportedPolicyCondition(SSMException):
    def __init__(self, operator: str) -> None:
        super().__init__("NotImplemented", f"the emulator cannot evaluate the bucket policy condition operator {operator}")


def _condition_matches(operator: str, key: str, expected: Any, context: dict[str, str]) -> bool:
    if_exists = operator.endswith("IfExists")
    base = operator[: -len("IfExists")] if if_exists else operator
    values = expected if isinstance(expected, list) else [expected]
    actual = next((v for k, v in context.items() if k.lower() == key.lower()), None)
    if actual is None:
        return if_exists
    if base == "Bool":
        return actual.lower() in [str(v).lower() for v in values]
    if base == "StringEquals":
        return actual in values
    if base == "StringNotEquals":
        return actual not in values
    if base in ("StringLike", "StringNotLike"):
        import fnmatch

        hit = any(fnmatch.fnmatchcase(actual, str(v)) for v in values)
        return hit if base == "StringLike" else not hit
    raise UnsupportedPolicyCondition(operator)


def _bucket_get_permission(self: Any, action: str, resource: str) -> Any:
    if self.policy is None:
        return PermissionResult.NEUTRAL
    import json

    from moto.iam.access_control import IAMPolicyStatement

    context = {"aws:SecureTransport": "true" if getattr(_request, "secure", False) else "false"}
    statements = json.loads(self.policy.decode()).get("Statement", [])
    permitted = False
    for statement in statements if isinstance(statements, list) else [statements]:
        matcher = IAMPolicyStatement(statement)
        element = "NotAction" if "NotAction" in statement else "Action"
        action_hit = matcher._check_element_matches(element, action)
        if element == "NotAction":
            action_hit = not action_hit
        if not action_hit or ("Resource" in statement and not matcher._check_element_matches("Resource", resource)):
            continue
        conditions = statement.get("Condition", {})
        if not all(_condition_matches(op, key, value, context) for op, pairs in conditions.items() for key, value in pairs.items()):
            continue
        if statement.get("Effect") == "Deny":
            return PermissionResult.DENIED
        permitted = True
    return PermissionResult.PERMITTED if permitted else PermissionResult.NEUTRAL


# --- EC2 ---------------------------------------------------------------------------

_original_instance_init = ec2_instances.Instance.__init__
_original_setup_defaults = ec2_instances.Instance.setup_defaults
_original_prep_nics = ec2_instances.Instance.prep_nics
_original_create_launch_template = ec2_launch_templates.LaunchTemplates.create_launch_template


def _resolved_image_id(ec2_backend: Any, image_id: Any) -> Any:
    """`resolve:ssm:<parameter>` as EC2 resolves it at launch: the parameter's value (an AMI id), read from the
    SSM of the instance's account and Region (moto serves the public /aws/service/ parameters). AWS reports the
    resolved id as the instance's ImageId; an id that does not resolve is kept as given."""
    prefix = "resolve:ssm:"
    if not isinstance(image_id, str) or not image_id.startswith(prefix):
        return image_id
    from moto.ssm.models import ssm_backends

    try:
        parameter = ssm_backends[ec2_backend.account_id][ec2_backend.region_name].get_parameter(image_id[len(prefix) :])
    except Exception:  # a missing version or label: kept as given, as before
        return image_id
    return parameter.value if parameter is not None else image_id


def _instance_init(self: Any, ec2_backend: Any, image_id: str, user_data: Any, security_groups: Any, **kwargs: Any) -> None:
    self._launcher_launch_template = kwargs.get("launch_template") or {}
    if user_data is not None and not str(user_data):
        user_data = None
    _original_instance_init(self, ec2_backend, image_id, user_data, security_groups, **kwargs)
    # After moto's own set-up (which took the template's image when none was given): only the id reported changes.
    self.image_id = _resolved_image_id(ec2_backend, self.image_id)
    requested = getattr(_run_instances, "disable_api_termination", None)
    if requested is not None:
        self.disable_api_termination = requested


_run_instances = threading.local()
_original_run_instances_response = ec2_instance_responses.InstanceResponse.run_instances


def _run_instances_response(self: Any) -> Any:
    value = self._get_param("DisableApiTermination")
    _run_instances.disable_api_termination = None if value is None else _as_bool(value) is True
    try:
        return _original_run_instances_response(self)
    finally:
        _run_instances.disable_api_termination = None


def _template_block_devices(instance: Any) -> list[dict[str, Any]]:
    if not instance._launcher_launch_template:
        return []
    version = instance.ec2_backend._get_template_from_args(instance._launcher_launch_template)
    return list(version.data.get("BlockDeviceMappings") or [])


def _setup_defaults(self: Any) -> None:
    mappings = _template_block_devices(self)
    if mappings:
        self.root_device_name = mappings[0]["DeviceName"]
        return
    _original_setup_defaults(self)


def _as_bool(value: Any) -> Any:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _prep_nics(self: Any, nic_spec: list[dict[str, Any]], *args: Any, **kwargs: Any) -> None:
    for nic in nic_spec or []:
        for key in ("AssociatePublicIpAddress", "DeleteOnTermination"):
            if key in nic:
                nic[key] = _as_bool(nic[key])
    _original_prep_nics(self, nic_spec, *args, **kwargs)
    if not self.security_groups and list(self.nics) == [0]:
        self.security_groups = list(self.nics[0].group_set)


_original_association = ec2_enis.NetworkInterface.association


def _association(self: Any) -> Any:
    return _original_association.fget(self) if self.public_ip else None


def _create_launch_template(self: Any) -> ActionResult:
    result = _original_create_launch_template(self)
    template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
    for version in template.versions:
        specs = version.data.get("TagSpecifications")
        if specs:
            version.data["TagSpecifications"] = [s for s in specs if s.get("ResourceType") != "launch-template"]
    return result


# --- TLS ------------------------------------------------------------------------------


# --- service settings ------------------------------------------------------------

SERVICE_SETTING_DEFAULTS = {"/ssm/documents/console/public-sharing-permission": "Enable"}


class ServiceSettingNotFound(SSMException):
    # moto finds an error's service model by the module of its class (`moto.<service>...`).
    __module__ = "moto.ssm.exceptions"
    code = 400

    def __init__(self, setting_id: str) -> None:
        super().__init__("ServiceSettingNotFound", f"The service setting {setting_id} was not found.")


def _service_setting_path(setting_id: str | None) -> str:
    """`/ssm/...` of a setting given by path or by ARN (`arn:<partition>:ssm:<region>:<account>:servicesetting/ssm/...`)."""
    value = setting_id or ""
    if value.startswith("arn:"):
        parts = value.split(":", 5)
        value = parts[5][len("servicesetting") :] if len(parts) == 6 and parts[5].startswith("servicesetting/") else ""
    if not value.startswith("/ssm/"):
        raise ServiceSettingNotFound(str(setting_id))
    return value


def _service_settings(backend: Any) -> dict[str, dict[str, Any]]:
    store = getattr(backend, "_launcher_service_settings", None)
    if store is None:
        store = {}
        backend._launcher_service_settings = store
    return store


def _service_setting(self: SimpleSystemManagerResponse, path: str) -> dict[str, Any]:
    backend = self.ssm_backend
    arn = f"arn:{self.partition}:ssm:{backend.region_name}:{backend.account_id}:servicesetting{path}"
    stored = _service_settings(backend).get(path)
    if stored is not None:
        return {"SettingId": path, "ARN": arn, **stored}
    if path not in SERVICE_SETTING_DEFAULTS:
        raise ServiceSettingNotFound(path)
    return {"SettingId": path, "ARN": arn, "SettingValue": SERVICE_SETTING_DEFAULTS[path], "Status": "Default"}


def get_service_setting(self: SimpleSystemManagerResponse) -> ActionResult:
    return ActionResult({"ServiceSetting": _service_setting(self, _service_setting_path(self._get_param("SettingId")))})


def update_service_setting(self: SimpleSystemManagerResponse) -> ActionResult:
    path = _service_setting_path(self._get_param("SettingId"))
    _service_setting(self, path)  # an unknown setting fails as on AWS
    _service_settings(self.ssm_backend)[path] = {
        "SettingValue": self._get_param("SettingValue"),
        "Status": "Customized",
        "LastModifiedDate": _now().isoformat(),
        "LastModifiedUser": "System",
    }
    return EmptyResult()


def reset_service_setting(self: SimpleSystemManagerResponse) -> ActionResult:
    path = _service_setting_path(self._get_param("SettingId"))
    _service_settings(self.ssm_backend).pop(path, None)
    return ActionResult({"ServiceSetting": _service_setting(self, path)})


RESPONSE_METHODS = {
    "get_service_setting": get_service_setting,
    "update_service_setting": update_service_setting,
    "reset_service_setting": reset_service_setting,
    "create_association": create_association,
    "describe_association": describe_association,
    "update_association": update_association,
    "delete_association": delete_association,
    "list_associations": list_associations,
    "get_maintenance_window_task": get_maintenance_window_task,
    "update_maintenance_window_task": update_maintenance_window_task,
    "update_maintenance_window_target": update_maintenance_window_target,
    "update_maintenance_window": update_maintenance_window,
}


_original_modify_vpc_endpoint = ec2_vpc_responses.VPCs.modify_vpc_endpoint


def _modify_vpc_endpoint(self: Any) -> Any:
    """ModifyVpcEndpoint as AWS does it: PrivateDnsEnabled turns the endpoint's private DNS on or off, and a
    gateway endpoint's route (to its service's prefix list) leaves the route tables removed from it and
    appears in those added to it."""
    endpoint_id = self._get_param("VpcEndpointId")
    endpoint = self.ec2_backend.describe_vpc_endpoints(vpc_end_point_ids=[endpoint_id])[0]
    tables_before = list(endpoint.route_table_ids or [])
    result = _original_modify_vpc_endpoint(self)
    private_dns = self._get_bool_param("PrivateDnsEnabled")
    if private_dns is not None:
        endpoint.private_dns_enabled = private_dns
    prefix_list = getattr(endpoint, "destination_prefix_list_id", None)
    if prefix_list:
        tables_after = list(endpoint.route_table_ids or [])
        for table_id in tables_before:
            if table_id not in tables_after:
                _delete_endpoint_route(self.ec2_backend, table_id, endpoint_id)
        for table_id in tables_after:
            if table_id not in tables_before:
                self.ec2_backend.create_route(table_id, None, gateway_id=endpoint_id, destination_prefix_list_id=prefix_list)
    return result


def _delete_endpoint_route(backend: Any, table_id: str, endpoint_id: str) -> None:
    """Deletes the routes of `table_id` whose target is the gateway endpoint `endpoint_id`."""
    table = backend.get_route_table(table_id)
    for route_id, route in list(table._routes.items()):
        if getattr(route.gateway, "id", None) == endpoint_id:
            del table._routes[route_id]


_request_lock = threading.Lock()

# The successful answers of the last requests, by the AWS SDK's invocation id (one per call, the same on
# each of its retries): a retry of a call that already took effect gets that answer again.
_answered: "collections.OrderedDict[str, tuple[str, list[tuple[str, str]], bytes]]" = collections.OrderedDict()
_ANSWERS_KEPT = 2000


def serialized(app: Any) -> Any:
    """The WSGI application `app`, handling one request at a time (the whole response is built under the lock).

    A retry (`amz-sdk-request: attempt=N`, N > 1) of an SDK call whose earlier attempt this server
    already answered with success is answered the same again instead of being run twice: the client
    never read that answer, and running a create twice turns it into a conflict ("InvalidSubnet.Conflict"
    for a subnet created once) or a duplicate. Each such replay is logged.
    """

    def handle(environ: Any, start_response: Any) -> Any:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID")
        attempt = environ.get("HTTP_AMZ_SDK_REQUEST", "")
        with _request_lock:
            if invocation and invocation in _answered and not attempt.startswith("attempt=1;"):
                status, headers, body = _answered[invocation]
                sys.stderr.write(
                    f"replayed the answer to a retried request ({attempt}): "
                    f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} "
                    f"{environ.get('HTTP_X_AMZ_TARGET', '')} invocation {invocation}\n"
                )
                start_response(status, headers)
                return [body]
            answer: dict[str, Any] = {}

            def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
                answer["status"], answer["headers"] = status, headers
                return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

            body = b"".join(app(environ, capture))
            if invocation and str(answer.get("status", "")).startswith("2"):
                _answered[invocation] = (answer["status"], list(answer["headers"]), body)
                while len(_answered) > _ANSWERS_KEPT:
                    _answered.popitem(last=False)
            return [body]

    return handle


_original_run_simple = moto_server.run_simple


def _run_simple(hostname: str, port: int, application: Any, *args: Any, **kwargs: Any) -> Any:
    return _original_run_simple(hostname, port, serialized(application), *args, **kwargs)


def _put_object_lock_configuration(
    self: Any,
    bucket_name: str,
    lock_enabled: bool,
    mode: str | None = None,
    days: int | None = None,
    years: int | None = None,
) -> None:
    bucket = self.get_bucket(bucket_name)
    if not bucket.is_versioned:
        raise s3_models.InvalidBucketState(
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration"
        )
    if lock_enabled:
        bucket.object_lock_enabled = True
        bucket.versioning_status = "Enabled"
    bucket.default_lock_mode = mode
    bucket.default_lock_days = days
    bucket.default_lock_years = years


def _remove_role_from_instance_profile(self: Any, profile_name: str, role_name: str) -> None:
    """Removes the role; a role the profile does not hold is NoSuchEntity (404), as IAM answers, not moto's 500."""
    profile = self.get_instance_profile(profile_name)
    role = self.get_role(role_name)
    if role not in profile.roles:
        raise iam_exceptions.NotFoundException(f"The role {role_name} is not in instance profile {profile_name}.")
    profile.roles.remove(role)


def check_gaps() -> None:
    """Fails when the installed moto is not shaped like the one these patches fill."""
    problems = []
    for name in ("_maintenance_window_target_filter_match", "_maintenance_window_task_filter_match"):
        if not hasattr(ssm_models, name):
            problems.append(f"moto.ssm.models.{name} is gone")
    for owner, attribute in (
        (ec2_enis.NetworkInterface, "association"),
        (ec2_enis.NetworkInterface, "group_set"),
        (ec2_instances.Instance, "setup_defaults"),
        (ec2_instances.Instance, "prep_nics"),
        (ec2_instances.InstanceBackend, "describe_instance_attribute"),
        (ec2_launch_templates.LaunchTemplates, "create_launch_template"),
        (ec2_vpc_responses.VPCs, "modify_vpc_endpoint"),
    ):
        if not hasattr(owner, attribute):
            problems.append(f"{owner.__name__}.{attribute} is gone")
    if "destination_prefix_list_id" not in inspect.signature(ec2_vpcs.VPCEndPoint.__init__).parameters:
        problems.append("VPCEndPoint no longer takes destination_prefix_list_id")
    if "userData" not in getattr(ec2_instances.Instance, "VALID_ATTRIBUTES", ()):
        problems.append("Instance.VALID_ATTRIBUTES no longer lists userData")
    init_params = list(inspect.signature(_original_instance_init).parameters)
    if init_params[:5] != ["self", "ec2_backend", "image_id", "user_data", "security_groups"]:
        problems.append(f"Instance.__init__ takes {init_params[:5]}, not (self, ec2_backend, image_id, user_data, security_groups)")
    if not hasattr(s3_models.FakeBucket, "get_permission") or not hasattr(s3_responses.S3Response, "setup_class"):
        problems.append("moto.s3 FakeBucket.get_permission or S3Response.setup_class is gone")
    if list(inspect.signature(s3_models.S3Backend.put_object_lock_configuration).parameters) != [
        "self", "bucket_name", "lock_enabled", "mode", "days", "years"
    ] or not hasattr(s3_models, "InvalidBucketState"):
        problems.append("S3Backend.put_object_lock_configuration changed its parameters")
    if not callable(getattr(moto_server, "run_simple", None)):
        problems.append("moto.server no longer calls run_simple")
    if list(inspect.signature(iam_models.IAMBackend.remove_role_from_instance_profile).parameters) != [
        "self", "profile_name", "role_name"
    ] or not hasattr(iam_exceptions, "NotFoundException"):
        problems.append("IAMBackend.remove_role_from_instance_profile changed its parameters")
    if not hasattr(ssm_models.SimpleSystemManagerBackend, "_validate_resource_type_and_id"):
        problems.append("SimpleSystemManagerBackend._validate_resource_type_and_id is gone")
    if problems:
        sys.stderr.write(
            f"moto {moto.__version__} differs from {TESTED_MOTO_VERSION}, which the SSM gap fillers were written for:\n  "
            + "\n  ".join(problems)
            + "\n"
        )
        sys.exit(3)


def apply_patches() -> list[str]:
    """Registers the missing actions on moto's SSM responses; returns what was added (not what moto already had)."""
    check_gaps()
    added = []
    for name, method in RESPONSE_METHODS.items():
        if name not in SimpleSystemManagerResponse.__dict__:
            setattr(SimpleSystemManagerResponse, name, method)
            added.append(name)
    ssm_models._maintenance_window_target_filter_match = _filter_match(TARGET_FILTER_ATTRIBUTES)
    ssm_models._maintenance_window_task_filter_match = _filter_match(TASK_FILTER_ATTRIBUTES)
    ssm_models.SimpleSystemManagerBackend._validate_resource_type_and_id = _validate_resource_type_and_id
    ec2_enis.NetworkInterface.association = property(_association)
    ec2_instances.Instance.__init__ = _instance_init
    ec2_instance_responses.InstanceResponse.run_instances = _run_instances_response
    ec2_instances.Instance.setup_defaults = _setup_defaults
    ec2_instances.Instance.prep_nics = _prep_nics
    ec2_launch_templates.LaunchTemplates.create_launch_template = _create_launch_template
    ec2_vpc_responses.VPCs.modify_vpc_endpoint = _modify_vpc_endpoint
    s3_responses.S3Response.setup_class = _s3_setup_class
    s3_models.FakeBucket.get_permission = _bucket_get_permission
    s3_models.S3Backend.put_object_lock_configuration = _put_object_lock_configuration
    iam_models.IAMBackend.remove_role_from_instance_profile = _remove_role_from_instance_profile
    moto_server.run_simple = _run_simple
    return added


if __name__ == "__main__":
    if sys.argv[1:] == ["--list-patches"]:
        print(" ".join(apply_patches()))
        sys.exit(0)
    argv = sys.argv[1:]
    if argv[:1] == ["--tls-dir"] and len(argv) >= 2:
        cert, key = ensure_certificate(argv[1])
        argv = [*argv[2:], "-c", cert, "-k", key]
    apply_patches()
    moto_server_main(argv)
